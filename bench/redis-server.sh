#!/usr/bin/env bash
# A private, restartable redis-server (no persistence, like this machine's) for `elector verify --restart-command`,
# stopped by PID only.
#   bench/redis-server.sh start DIR [PORT]    start on 127.0.0.1:PORT (free port if absent); prints the backend URI
#   bench/redis-server.sh restart DIR [-9]    stop it (SIGTERM, or SIGKILL with -9) and start it again, same port
#   bench/redis-server.sh stop DIR            SIGTERM by PID
set -euo pipefail
cmd="${1:?usage: redis-server.sh start|restart|stop DIR}"; dir="${2:?DIR}"
source "$(dirname "$0")/lib.sh"
mkdir -p "$dir"
launch() {
  setsid redis-server --bind 127.0.0.1 --port "$1" --save "" --appendonly no --dir "$dir" \
    </dev/null >>"$dir/redis.log" 2>&1 &
}
uri() { echo "redis://127.0.0.1:$1"; }
pid_server_main redis "$cmd" "$dir" "${3:-}"
