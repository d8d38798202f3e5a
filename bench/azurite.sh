#!/usr/bin/env bash
# A restartable Azurite for `elector verify --restart-command` and manual runs, stopped by PID only.
#   bench/azurite.sh start DIR [PORT]    start azurite-blob on 127.0.0.1:PORT (free port if absent), data in DIR;
#                                        prints the connection string; PID in DIR/azurite.pid, port in DIR/port
#   bench/azurite.sh restart DIR [-9]    stop the one in DIR (SIGTERM: Azurite saves its data; -9: SIGKILL,
#                                        which loses up to the last 5 s of writes) and start it again, same port
#   bench/azurite.sh stop DIR            SIGTERM by PID
set -euo pipefail
cmd="${1:?usage: azurite.sh start|restart|stop DIR}"; dir="${2:?DIR}"
mkdir -p "$dir"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
stop() {   # signal
  [ -f "$dir/azurite.pid" ] || return 0
  pid=$(cat "$dir/azurite.pid")
  kill "-$1" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/azurite.pid"
}
start() {   # port
  setsid azurite-blob --blobHost 127.0.0.1 --blobPort "$1" --location "$dir/data" --silent --skipApiVersionCheck --disableTelemetry \
    </dev/null >>"$dir/azurite.log" 2>&1 &
  echo $! >"$dir/azurite.pid"; echo "$1" >"$dir/port"
  for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && break; sleep 0.1; done
}
case "$cmd" in
  start)
    port="${3:-$(free_port)}"; start "$port"
    echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;" ;;
  restart)
    sig=TERM; [ "${3:-}" = "-9" ] && sig=KILL
    stop "$sig"; start "$(cat "$dir/port")" ;;
  stop) stop TERM ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
