#!/usr/bin/env bash
# National scale on PostgreSQL: `volumes`, `referral-channels` and `access-funding`
# for the whole country and for one municipality, from eenplan's API, against DuckDB
# computing the same figures from a Parquet export of the same data
# (bench/duckdb_compare.py prints both times, the ratio, and whether the figures agree).
#
# Needs a PostgreSQL database with national data, made by
#   eenplan --database-url URL demo --scale national --years 5 --until DATE
# (bench/national.sh makes one). Installs the Python package duckdb into a virtual
# environment under $WORK.
#
# Environment (all optional):
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/eenplan_bench_national
#   BENCH_PORT=18686  BENCH_FROM=2025-01-01  BENCH_TO=2025-12-31
#   BENCH_MUNICIPALITY=1640  BENCH_RUNS=30  BENCH_SKIP_BUILD=1  BENCH_KEEP=1
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${BENCH_PORT:-18686}"
CONNS=1 THREADS=1 DURATION=1s
BIN="./target/release/eenplan"
DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/eenplan_bench_national}"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

build_and_check_port
command -v psql >/dev/null || { log "psql is needed for the export"; exit 1; }
CASES="$(psql "$DATABASE_URL" -tAc 'SELECT COUNT(*) FROM cases')" ||
  { log "no database at $DATABASE_URL: run bench/national.sh first"; exit 1; }
log "$CASES cases in $DATABASE_URL"

log "installing duckdb (PyPI) into $WORK/venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q duckdb

log "starting $BIN on $URL (PostgreSQL)"
EENPLAN_DATABASE_URL="$DATABASE_URL" "$BIN" serve --listen "127.0.0.1:$PORT" >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -fs -o /dev/null --max-time 2 "$URL/healthz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
TOKEN="$("$BIN" --database-url "$DATABASE_URL" token add --username demo.gedragswetenschapper --name bench | tail -n1 | tr -d '[:space:]')"

save_report "-national" "$(
  echo "eenplan national bench: source tree $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') now $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, PostgreSQL $(psql "$DATABASE_URL" -tAc 'SHOW server_version'), $CASES cases"
  "$WORK/venv/bin/python" "$ROOT/bench/duckdb_compare.py" --database-url "$DATABASE_URL" \
    --server "$URL" --token "$TOKEN" --from "${BENCH_FROM:-2025-01-01}" --to "${BENCH_TO:-2025-12-31}" \
    --municipality "${BENCH_MUNICIPALITY:-1640}" --runs "${BENCH_RUNS:-30}" --work "$WORK/duckdb"
)"
