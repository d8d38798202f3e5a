#!/usr/bin/env bash
# A restartable H2 TCP server (the H2 bundled in elector.jar) for `elector verify --restart-command`, by PID only.
#   bench/h2-server.sh start DIR [PORT]    start on 127.0.0.1:PORT (free port if absent), databases in DIR/data;
#                                          prints the backend URI; PID in DIR/h2.pid, port in DIR/port
#   bench/h2-server.sh restart DIR [-9]    stop it (SIGTERM, or SIGKILL with -9) and start it again, same port
#   bench/h2-server.sh stop DIR            SIGTERM by PID
set -euo pipefail
cmd="${1:?usage: h2-server.sh start|restart|stop DIR}"; dir="${2:?DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/bench/lib.sh"
mkdir -p "$dir/data"
launch() {
  # A copy of the jar, made once: a rebuild of elector.jar while the server runs must not pull it away.
  if [ ! -f "$dir/h2.jar" ]; then
    "$root/elector" --version >/dev/null   # builds the jar on first use
    cp "$root/elector-cli/target/elector.jar" "$dir/h2.jar"
  fi
  setsid java -Xmx256m -cp "$dir/h2.jar" org.h2.tools.Server -tcp -tcpPort "$1" \
    -baseDir "$dir/data" -ifNotExists </dev/null >>"$dir/h2.log" 2>&1 &
}
uri() { echo "h2:tcp://127.0.0.1:$1/./elector"; }
WAIT_TENTHS=300
pid_server_main h2 "$cmd" "$dir" "${3:-}"
