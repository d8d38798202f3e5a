#!/usr/bin/env bash
# Runs `elector bench` failover, handoff and steady on every backend with a server on this machine, one
# JSON object per line on stdout (the figures in BENCHMARKS.md). Needs the local PostgreSQL, MariaDB and
# Redis (addresses overridable: ELECTOR_PG_URL, ELECTOR_MYSQL_URL, ELECTOR_REDIS_URL). Starts its own
# ZooKeeper (`elector zk-server`), etcd (Debian's etcd-server, if installed) and Azurite (npm azurite, if
# installed) on free loopback ports and stops them by PID at the end. Raft needs nothing.
# Each line of stderr names the run and the load average. BACKENDS limits the run (e.g. BACKENDS="raft redis").
set -euo pipefail
cd "$(dirname "$0")/.."
./elector --version >/dev/null   # builds the jar on first use
trials="${TRIALS:-20}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

source bench/lib.sh
wait_up() {   # host port seconds
  wait_port "$1" "$2" $(( $3 * 10 )) && return 0
  echo "bench: nothing answers on $1:$2 after $3 s" >&2; return 1
}

backends=(raft
  "${ELECTOR_PG_URL:-postgresql://127.0.0.1:5432/test?user=postgres}"
  "${ELECTOR_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}"
  "${ELECTOR_REDIS_URL:-redis://127.0.0.1:6379}")

zk_port=$(free_port)
./elector zk-server --port "$zk_port" --dir "$work/zk" >"$work/zk.log" 2>&1 &
pids+=($!)
wait_up 127.0.0.1 "$zk_port" 60 && backends+=("zookeeper://127.0.0.1:$zk_port/elector-bench")

if command -v etcd >/dev/null 2>&1; then
  etcd_port=$(free_port); etcd_peer=$(free_port)
  etcd --name bench --data-dir "$work/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "bench=http://127.0.0.1:$etcd_peer" >"$work/etcd.log" 2>&1 &
  pids+=($!)
  wait_up 127.0.0.1 "$etcd_port" 30 && backends+=("etcd://127.0.0.1:$etcd_port")
else
  echo "# etcd not installed (Debian: etcd-server): skipped" >&2
fi

if command -v azurite-blob >/dev/null 2>&1; then
  az_port=$(free_port)
  azurite-blob --blobHost 127.0.0.1 --blobPort "$az_port" --location "$work/azurite" --silent \
    --skipApiVersionCheck --disableTelemetry >"$work/azurite.log" 2>&1 &
  pids+=($!)
  wait_up 127.0.0.1 "$az_port" 30 && backends+=("AZBLOB:$az_port")
else
  echo "# azurite not installed (npm install -g azurite): skipped" >&2
fi

for b in "${backends[@]}"; do
  if [[ "$b" == AZBLOB:* ]]; then
    port="${b#AZBLOB:}"
    export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
    b="azblob:///elector-bench"
  fi
  # Azure leases last 15-60 s: the Azure Blob backend runs with the shortest.
  lease_opt=(); [[ "$b" == azblob:* ]] && lease_opt=(--lease 15s)
  name="${b%%\?*}"
  if [[ -n "${BACKENDS:-}" && " $BACKENDS " != *" ${name%%:*} "* ]]; then continue; fi
  for kind in failover handoff; do
    echo "# $kind $name load $(cut -d' ' -f1 /proc/loadavg)" >&2
    ./elector bench "$kind" --backend "$b" --trials "$trials" "${lease_opt[@]}" --json
  done
  echo "# steady $name load $(cut -d' ' -f1 /proc/loadavg)" >&2
  ./elector bench steady --backend "$b" --elections 100 --window 10s "${lease_opt[@]}" --json
done
