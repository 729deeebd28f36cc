#!/usr/bin/env bash
# Latency of every report from the API on SQLite, on ten years of generated regional
# data (loopback only).
#
# Builds target/release/eenplan, fills a fresh data folder with
#   eenplan demo --seed $BENCH_SEED --scale region --years 10 --until $BENCH_UNTIL
# (the demo region and ten years of invented Midden-Limburg data), starts the server,
# creates API tokens for the behavioural scientist (every figure) and the policy
# officer (small counts hidden), and runs wrk against
#   GET /api/v1/reports/NAME?from=<year>-01-01&to=<year>-12-31
# for each report, once with one connection (one analyst: the latency of a single
# request) and once with BENCH_CONNECTIONS connections (many at once), as the
# behavioural scientist, plus `volumes` as the policy officer. Prints a table and
# saves it to bench/results/<UTC time>-reports.txt. Goal (issue): p99 < 50 ms.
#
# Environment (all optional):
#   BENCH_PORT=18585  BENCH_CONNECTIONS=8  BENCH_THREADS=2  BENCH_DURATION=10s
#   BENCH_SEED=1  BENCH_UNTIL=2026-11-27  BENCH_YEAR=2025
#   BENCH_SKIP_BUILD=1  BENCH_KEEP=1
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${BENCH_PORT:-18585}"
CONNS="${BENCH_CONNECTIONS:-8}"
THREADS="${BENCH_THREADS:-2}"
DURATION="${BENCH_DURATION:-10s}"
WRK_TIMEOUT="${BENCH_TIMEOUT:-10s}"
BIN="./target/release/eenplan"
UNTIL="${BENCH_UNTIL:-2026-11-27}"
YEAR="${BENCH_YEAR:-2025}"
unset EENPLAN_DATABASE_URL EENPLAN_DATA_DIR EENPLAN_LISTEN EENPLAN_NO_DEMO

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

install_tools wrk sqlite3
build_and_check_port

DATA_DIR="$WORK/data"
DB="$DATA_DIR/eenplan.sqlite3"
mkdir -p "$DATA_DIR"
log "generating ten years of regional data"
GEN_START=$(date +%s.%N)
"$BIN" --data-dir "$DATA_DIR" migrate >&2
"$BIN" --data-dir "$DATA_DIR" demo --seed "${BENCH_SEED:-1}" --scale region --years 10 \
  --until "$UNTIL" | tee "$WORK/generate.txt" >&2
GEN_S="$(awk -v a="$GEN_START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
DATASET="$(q "SELECT (SELECT COUNT(*) FROM cases) || ' cases, ' ||
  (SELECT COUNT(*) FROM registrations) || ' registrations, ' ||
  (SELECT COUNT(*) FROM decisions) || ' decisions, ' ||
  (SELECT COUNT(*) FROM evaluations) || ' evaluations, ' ||
  (SELECT COUNT(*) FROM consultation_requests) || ' treatment-team requests'")"
DB_MB="$(du -sm "$DATA_DIR" | cut -f1)"

start_server "$DATA_DIR"
REVIEWER_TOKEN="$(add_token demo.gedragswetenschapper)"
POLICY_TOKEN="$(add_token demo.beleid)"
Q="from=$YEAR-01-01&to=$YEAR-12-31"
REPORTS="volumes referral-channels problem-areas access-funding treatment-team referral-flows monitoring caseload costs"
for r in $REPORTS; do check_url "$REVIEWER_TOKEN" "/api/v1/reports/$r?$Q"; done
check_url "$POLICY_TOKEN" "/api/v1/reports/volumes?$Q"
sleep 2
IDLE_KB="$(rss_kb)"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
MANY="$CONNS"
CONNS=1 THREADS=1
for r in $REPORTS; do run_scenario "$r (1 conn)" "/api/v1/reports/$r?$Q" "$REVIEWER_TOKEN"; done
CONNS="$MANY" THREADS="${BENCH_THREADS:-2}"
for r in $REPORTS; do run_scenario "$r ($CONNS conns)" "/api/v1/reports/$r?$Q" "$REVIEWER_TOKEN"; done
run_scenario "volumes, policy ($CONNS conns)" "/api/v1/reports/volumes?$Q" "$POLICY_TOKEN"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

save_report "-reports" "$(
  echo "eenplan reports bench: source tree $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- crates src 2>/dev/null || echo '+changes') now $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, wrk --timeout $WRK_TIMEOUT -d$DURATION, SQLite"
  echo "dataset: eenplan demo --seed ${BENCH_SEED:-1} --scale region --years 10 --until $UNTIL in ${GEN_S} s: $DATASET; data dir $DB_MB MB"
  echo "period: $YEAR (GET /api/v1/reports/NAME?$Q, Authorization: Bearer)"
  echo "load average before the run: $LOAD_BEFORE, after: $LOAD_AFTER (wrk and the server on the same cores)"
  echo "$ROW_HEADER"
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo "CPU during each scenario, % of all $(nproc) cores:"
  echo "$CPU_HEADER"
  for r in "${CPU_ROWS[@]}"; do echo "$r"; done
  echo "peak RSS $(kb_to_mb "$PEAK_KB") MB; goal: p99 < 50 ms for each report"
)"
