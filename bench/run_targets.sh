#!/usr/bin/env bash
# Every scenario of docs/performance.md, repeated, each run written as JSON into $OUT.
#   bash bench/run_targets.sh [OUT]      (default bench/results/<date>)
# then: python bench/summary.py $OUT/*.json
# Needs a quiet machine for figures worth comparing; each run records the load average.
# Loopback only; ports 5400-5409 (override with PORT=...); about 30 minutes in all on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
OUT="${1:-bench/results/$(date +%Y%m%d-%H%M)}"
PORT="${PORT:-5400}"
PG="${ATELIER_BENCH_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
mkdir -p "$OUT"
run() {  # run NAME ARGS...
  local name="$1"; shift
  echo "== $name: python bench/loadgen.py $*" >&2
  timeout 900 "$PY" bench/loadgen.py "$@" --port "$PORT" --json "$OUT/$name.json" >/dev/null \
    || echo "   $name failed (exit $?)" >&2
}
"$PY" bench/vote_path.py --json "$OUT/vote-path.json"
for i in 1 2; do run "connect-2000-$i" connect --phones 2000 --hold 10; done
for i in 1 2 3; do run "burst-1000-$i" burst --phones 1000; done
for i in 1 2; do run "steady-300x60-$i" steady --phones 1000 --rate 300 --duration 60; done
for i in 1 2; do run "join-storm-1000-$i" join-storm --phones 1000 --spread 10; done
# the choices: gunicorn against run.py, two processes on Redis, threading against gevent
run "burst-1000-gunicorn" burst --phones 1000 --server gunicorn
run "burst-1000-2proc-pg-redis" burst --phones 1000 --processes 2 --database-url "$PG"
run "burst-1000-1proc-pg" burst --phones 1000 --database-url "$PG"
# last: a thread per socket sends the load average into the hundreds for a while
run "connect-2000-threading" connect --phones 2000 --hold 10 --async-mode threading
echo "$OUT" >&2
