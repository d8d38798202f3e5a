#!/usr/bin/env bash
# A restartable Azurite for `elector verify --restart-command` and manual runs, stopped by PID only.
#   bench/azurite.sh start DIR [PORT]    start azurite-blob on 127.0.0.1:PORT (free port if absent), data in DIR;
#                                        prints the connection string; PID in DIR/azurite.pid, port in DIR/port
#   bench/azurite.sh restart DIR [-9]    stop the one in DIR (SIGTERM: Azurite saves its data; -9: SIGKILL,
#                                        which loses up to the last 5 s of writes) and start it again, same port
#   bench/azurite.sh stop DIR            SIGTERM by PID
set -euo pipefail
cmd="${1:?usage: azurite.sh start|restart|stop DIR}"; dir="${2:?DIR}"
source "$(dirname "$0")/lib.sh"
mkdir -p "$dir"
launch() {
  setsid azurite-blob --blobHost 127.0.0.1 --blobPort "$1" --location "$dir/data" --silent --skipApiVersionCheck --disableTelemetry \
    </dev/null >>"$dir/azurite.log" 2>&1 &
}
uri() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$1/devstoreaccount1;"
}
WAIT_TENTHS=300
pid_server_main azurite "$cmd" "$dir" "${3:-}"
