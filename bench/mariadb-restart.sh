#!/usr/bin/env bash
# Restarts the machine's MariaDB for `elector verify --restart-command`: SIGTERM to the PID in its pid file
# (a clean shutdown), wait until it is gone, start it again the way this machine's image does, and wait until
# it answers on 127.0.0.1:3306. PID only, never by name.
set -euo pipefail
pidfile="${MARIADB_PIDFILE:-/run/mysqld/mysqld.pid}"
if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
${MARIADB_START:-start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd}
for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null && exit 0; sleep 0.1; done
echo "mariadb did not come back on 127.0.0.1:3306 within 30 s" >&2; exit 1
