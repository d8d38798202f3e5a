#!/usr/bin/env bash
# Runs `elector bench` failover, handoff and steady on every backend with a server on this machine,
# one JSON object per line on stdout (the figures in BENCHMARKS.md). Needs the local PostgreSQL,
# MariaDB and Redis; Raft needs nothing. Each line of stderr names the run and the load average.
set -euo pipefail
cd "$(dirname "$0")/.."
./elector --version >/dev/null   # builds the jar on first use
trials="${TRIALS:-20}"
for b in raft \
         "${ELECTOR_PG_URL:-postgresql://127.0.0.1:5432/test?user=postgres}" \
         "${ELECTOR_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}" \
         "${ELECTOR_REDIS_URL:-redis://127.0.0.1:6379}"; do
  for kind in failover handoff; do
    echo "# $kind ${b%%\?*} load $(cut -d' ' -f1 /proc/loadavg)" >&2
    ./elector bench "$kind" --backend "$b" --trials "$trials" --json
  done
  echo "# steady ${b%%\?*} load $(cut -d' ' -f1 /proc/loadavg)" >&2
  ./elector bench steady --backend "$b" --elections 100 --window 10s --json
done
