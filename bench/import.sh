#!/usr/bin/env bash
# Import benchmark: rows per second of `eenplan import registrations` for a file of
# BENCH_ROWS (1,000,000) invented registrations, into a fresh SQLite database and into a
# fresh PostgreSQL database, then the same file again (every row skipped).
#
# Builds target/release/eenplan, writes the file with bench/gen_registrations.py, starts
# the binary once on each fresh database so it migrates and loads the demo region (the
# local teams the cases go to), stops it, and times the import with /usr/bin/time
# (wall time, peak RSS). Prints a table, also saved to bench/results/<UTC time>-import.txt.
#
# Environment (all optional):
#   BENCH_ROWS=1000000  BENCH_PORT=18484  BENCH_SKIP_BUILD=1  BENCH_KEEP=1  BENCH_SEED
#   BENCH_PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres   (empty: SQLite only)
#   BENCH_PG_DB=eenplan_bench_import   (dropped and created anew; left behind for a look)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${BENCH_PORT:-18484}"
BIN="./target/release/eenplan"
IMPORT_ROWS="${BENCH_ROWS:-1000000}"
PG_ADMIN_URL="${BENCH_PG_ADMIN_URL-postgres://postgres@127.0.0.1:5432/postgres}"
PG_DB="${BENCH_PG_DB:-eenplan_bench_import}"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

command -v python3 >/dev/null || { log "python3 is needed for bench/gen_registrations.py"; exit 1; }
[ -x /usr/bin/time ] || install_tools time
build_and_check_port

FILE="$WORK/registrations.csv"
log "writing $IMPORT_ROWS rows to $FILE"
python3 "$ROOT/bench/gen_registrations.py" "$IMPORT_ROWS" --out "$FILE" --seed "${BENCH_SEED:-20261127}"
FILE_MB="$(awk -v b="$(stat -c %s "$FILE")" 'BEGIN { printf "%.1f", b / 1048576 }')"

FORMAT='%-10s %-9s %10s %9s %10s %12s'
declare -a LINES=()

# timed_import NAME RUN: runs `$BIN ... import registrations $FILE` (database chosen by the
# environment given) under /usr/bin/time and adds a line to the table.
timed_import() {
  local backend="$1" run="$2"; shift 2
  log "$backend, $run: eenplan import registrations"
  /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" "$BIN" --data-dir "$WORK/sqlite" \
    import registrations "$FILE" | tee -a "$WORK/import.log" >&2
  local secs kb
  read -r secs kb <"$WORK/time.txt"
  LINES+=("$(printf "$FORMAT" "$backend" "$run" "$IMPORT_ROWS" "$secs" \
    "$(awk -v r="$IMPORT_ROWS" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')" \
    "$(kb_to_mb "$kb")")")
}

# --- SQLite ---------------------------------------------------------------------
mkdir -p "$WORK/sqlite"
start_server "$WORK/sqlite"     # migrates and loads the demo region
stop_server
timed_import sqlite first env -u EENPLAN_DATABASE_URL
timed_import sqlite again env -u EENPLAN_DATABASE_URL
SQLITE_MB="$(du -sm "$WORK/sqlite" | cut -f1)"

# --- PostgreSQL -----------------------------------------------------------------
if [ -n "$PG_ADMIN_URL" ]; then
  command -v psql >/dev/null || install_tools postgresql-client
  PG_URL="${PG_ADMIN_URL%/*}/$PG_DB"
  psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
  EENPLAN_DATABASE_URL="$PG_URL" start_server "$WORK/sqlite"
  stop_server
  timed_import postgres first env EENPLAN_DATABASE_URL="$PG_URL"
  timed_import postgres again env EENPLAN_DATABASE_URL="$PG_URL"
  PG_MB="$(psql -tA "$PG_URL" -c "SELECT pg_database_size(current_database()) / 1048576")"
fi

save_report "-import" "$(
  echo "eenplan import bench: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores"
  echo "file: $IMPORT_ROWS rows, $FILE_MB MB; 'again' imports the same file a second time (every row skipped)"
  printf "$FORMAT\n" backend run rows seconds rows/s peak_rss_MB
  for l in "${LINES[@]}"; do echo "$l"; done
  echo "database size after: SQLite ${SQLITE_MB} MB${PG_MB:+, PostgreSQL ${PG_MB} MB}"
)"
