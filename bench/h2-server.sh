#!/usr/bin/env bash
# A restartable H2 TCP server (the H2 bundled in elector.jar) for `elector verify --restart-command`, by PID only.
#   bench/h2-server.sh start DIR [PORT]    start on 127.0.0.1:PORT (free port if absent), databases in DIR/data;
#                                          prints the backend URI; PID in DIR/h2.pid, port in DIR/port
#   bench/h2-server.sh restart DIR [-9]    stop it (SIGTERM, or SIGKILL with -9) and start it again, same port
#   bench/h2-server.sh stop DIR            SIGTERM by PID
set -euo pipefail
cmd="${1:?usage: h2-server.sh start|restart|stop DIR}"; dir="${2:?DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$dir/data"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
stop() {
  [ -f "$dir/h2.pid" ] || return 0
  pid=$(cat "$dir/h2.pid")
  kill "-$1" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/h2.pid"
}
start() {
  # A copy of the jar, made once: a rebuild of elector.jar while the server runs must not pull it away.
  if [ ! -f "$dir/h2.jar" ]; then
    "$root/elector" --version >/dev/null   # builds the jar on first use
    cp "$root/elector-cli/target/elector.jar" "$dir/h2.jar"
  fi
  setsid java -Xmx256m -cp "$dir/h2.jar" org.h2.tools.Server -tcp -tcpPort "$1" \
    -baseDir "$dir/data" -ifNotExists </dev/null >>"$dir/h2.log" 2>&1 &
  echo $! >"$dir/h2.pid"; echo "$1" >"$dir/port"
  for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && break; sleep 0.1; done
}
case "$cmd" in
  start) port="${3:-$(free_port)}"; start "$port"; echo "h2:tcp://127.0.0.1:$port/./elector" ;;
  restart) sig=TERM; [ "${3:-}" = "-9" ] && sig=KILL; stop "$sig"; start "$(cat "$dir/port")" ;;
  stop) stop TERM ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
