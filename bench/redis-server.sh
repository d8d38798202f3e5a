#!/usr/bin/env bash
# A private, restartable redis-server (no persistence, like this machine's) for `elector verify --restart-command`,
# stopped by PID only.
#   bench/redis-server.sh start DIR [PORT]    start on 127.0.0.1:PORT (free port if absent); prints the backend URI
#   bench/redis-server.sh restart DIR [-9]    stop it (SIGTERM, or SIGKILL with -9) and start it again, same port
#   bench/redis-server.sh stop DIR            SIGTERM by PID
set -euo pipefail
cmd="${1:?usage: redis-server.sh start|restart|stop DIR}"; dir="${2:?DIR}"
mkdir -p "$dir"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
stop() {
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  kill "-$1" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/redis.pid"
}
start() {
  setsid redis-server --bind 127.0.0.1 --port "$1" --save "" --appendonly no --dir "$dir" \
    </dev/null >>"$dir/redis.log" 2>&1 &
  echo $! >"$dir/redis.pid"; echo "$1" >"$dir/port"
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && break; sleep 0.1; done
}
case "$cmd" in
  start) port="${3:-$(free_port)}"; start "$port"; echo "redis://127.0.0.1:$port" ;;
  restart) sig=TERM; [ "${3:-}" = "-9" ] && sig=KILL; stop "$sig"; start "$(cat "$dir/port")" ;;
  stop) stop TERM ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
