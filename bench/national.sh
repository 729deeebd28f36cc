#!/usr/bin/env bash
# The national dataset on PostgreSQL, for the report benchmarks: creates the database
# (default eenplan_bench_national on 127.0.0.1:5432, user postgres) and generates five
# years of all 342 municipalities into it with `eenplan demo --scale national`, then
# VACUUM ANALYZE. Prints the database URL, the time taken and the row counts, and leaves
# the database in place for the benchmarks that use it.
#
# Environment (all optional):
#   BENCH_PG_HOST=127.0.0.1  BENCH_PG_PORT=5432  BENCH_PG_USER=postgres
#   BENCH_DB=eenplan_bench_national
#   BENCH_SEED=1  BENCH_YEARS=5  BENCH_UNTIL=YYYY-MM-DD (default today)
#   BENCH_RECREATE=1   drop the database first when it exists (else the script stops)
#   BENCH_SKIP_BUILD=1 use target/release/eenplan as it is
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

HOST="${BENCH_PG_HOST:-127.0.0.1}"
PORT="${BENCH_PG_PORT:-5432}"
PGUSER_="${BENCH_PG_USER:-postgres}"
DB="${BENCH_DB:-eenplan_bench_national}"
SEED="${BENCH_SEED:-1}"
YEARS="${BENCH_YEARS:-5}"
BIN="./target/release/eenplan"
URL="postgres://$PGUSER_@$HOST:$PORT/$DB"

log() { printf '[national] %s\n' "$*" >&2; }
psql_() { psql -X -q -h "$HOST" -p "$PORT" -U "$PGUSER_" "$@"; }

command -v psql >/dev/null || { log "psql is needed (Debian: apt-get install postgresql-client)"; exit 1; }

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "cargo build --release"
  cargo build --release
fi
[ -x "$BIN" ] || { log "missing $BIN"; exit 1; }

exists="$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")"
if [ "$exists" = 1 ]; then
  if [ "${BENCH_RECREATE:-0}" = 1 ]; then
    log "dropping $DB"
    psql_ -d postgres -c "DROP DATABASE $DB WITH (FORCE)"
  else
    log "database $DB exists (it holds generated data once); set BENCH_RECREATE=1 to drop it"
    exit 1
  fi
fi
psql_ -d postgres -c "CREATE DATABASE $DB"

args=(demo --seed "$SEED" --scale national --years "$YEARS")
[ -n "${BENCH_UNTIL:-}" ] && args+=(--until "$BENCH_UNTIL")
log "eenplan --database-url $URL ${args[*]}"
start=$(date +%s.%N)
"$BIN" --database-url "$URL" migrate
EENPLAN_LOG="${EENPLAN_LOG:-warn,sqlx=error}" "$BIN" --database-url "$URL" "${args[@]}"
generated=$(date +%s.%N)
log "VACUUM ANALYZE"
psql_ -d "$DB" -c "VACUUM (ANALYZE)"
done_=$(date +%s.%N)

printf '\ndatabase: %s\n' "$URL"
printf 'generate (migrations and demo region included): %.0f s\n' "$(echo "$generated - $start" | bc)"
printf 'VACUUM ANALYZE: %.0f s\n' "$(echo "$done_ - $generated" | bc)"
printf 'size: %s\n' "$(psql_ -d "$DB" -tAc "SELECT pg_size_pretty(pg_database_size('$DB'))")"
psql_ -d "$DB" -c "SELECT relname AS table, n_live_tup AS rows FROM pg_stat_user_tables
                   WHERE n_live_tup > 0 ORDER BY n_live_tup DESC"
