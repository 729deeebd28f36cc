#!/usr/bin/env bash
# Load benchmark of the access pages on a realistic SQLite dataset (loopback only).
#
# Builds target/release/eenplan and fills a fresh data folder with the demo region and
# bench/seed_cases.py (30,000 families, 60,000 cases, 40,000 access decisions with
# their evaluations; see bench/README.md). Then it starts the server on
# 127.0.0.1:$BENCH_PORT, creates API tokens and runs wrk, authenticated with
# Authorization: Bearer TOKEN, against
#   (a) GET /team/evaluaties   the open evaluations due within 14 days or overdue of
#                              demo.gezinswerker's team (CJG Leudal)
#   (b) GET /kosten?gemeente=1640&van=<year>-01-01&tot=<year>-12-31
#                              the cost page of Leudal for a year, as demo.beleid
#                              (policy officer of the municipality)
# while sampling the server's VmRSS, and prints a table. The server is stopped at the
# end. Results are also written to bench/results/<timestamp>-access.txt.
#
# Environment (all optional):
#   BENCH_PORT=18484  BENCH_CONNECTIONS=50  BENCH_THREADS=2  BENCH_DURATION=15s
#   BENCH_TIMEOUT=30s      wrk --timeout: slower answers count as errors
#   BENCH_SKIP_BUILD=1     use the existing target/release/eenplan as it is
#   BENCH_YEAR=<this year> the year of the cost page
#   BENCH_FAMILIES=30000 BENCH_CASES=60000 BENCH_WORKERS=70 BENCH_DECISIONS=40000
#   BENCH_SEED=20261125
#   BENCH_KEEP=1           keep the temporary folder (data dir, logs, wrk output)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${BENCH_PORT:-18484}"
CONNS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
DURATION="${BENCH_DURATION:-15s}"
WRK_TIMEOUT="${BENCH_TIMEOUT:-30s}"
BIN="./target/release/eenplan"
WORKER="demo.gezinswerker"
POLICY="demo.beleid"
MUNICIPALITY="1640"   # Leudal: demo.beleid's municipality, demo.gezinswerker's team
YEAR="${BENCH_YEAR:-$(date +%Y)}"
# SQLite in the data folder, whatever the environment says.
unset EENPLAN_DATABASE_URL EENPLAN_DATA_DIR EENPLAN_LISTEN EENPLAN_NO_DEMO

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

install_tools wrk sqlite3
build_and_check_port
seed_dataset

# What the two pages show, counted with sqlite3 (the same filters as the store).
TODAY="$(date +%F)"
HORIZON="$(date -d "$TODAY + 14 days" +%F)"
read -r DUE_ROWS OVERDUE_ROWS < <(q -separator ' ' "
  SELECT COUNT(*), SUM(e.due_on < '$TODAY') FROM evaluations e
  JOIN decisions d ON d.id = e.decision_id JOIN cases c ON c.id = d.case_id
  WHERE e.done_on IS NULL AND e.due_on <= '$HORIZON' AND c.team_id IN
    (SELECT tm.team_id FROM team_members tm JOIN users u ON u.id = tm.user_id
     WHERE u.username = '$WORKER')")
FROM_DAY="$(q "SELECT CAST(julianday('$YEAR-01-01') - julianday('1970-01-01') AS INTEGER)")"
TO_DAY="$(q "SELECT CAST(julianday('$YEAR-12-31') - julianday('1970-01-01') AS INTEGER)")"
read -r COST_DECISIONS COST_LINES < <(q -separator ' ' "
  SELECT COUNT(*), COUNT(DISTINCT d.product_id || d.funding || COALESCE(d.provider_id, ''))
  FROM decisions d WHERE d.municipality_code = '$MUNICIPALITY'
    AND d.start_day <= $TO_DAY AND d.last_day >= $FROM_DAY")
COST_PATH="/kosten?gemeente=$MUNICIPALITY&van=$YEAR-01-01&tot=$YEAR-12-31"
DB_MB="$(du -sm "$DATA_DIR" | cut -f1)"
DATASET="$(q "SELECT (SELECT COUNT(*) FROM cases) || ' cases, ' ||
  (SELECT COUNT(*) FROM decisions) || ' decisions (' ||
  (SELECT COUNT(*) FROM decisions WHERE funding = 'pgb') || ' PGB, ' ||
  (SELECT COUNT(*) FROM decisions WHERE municipality_code = '$MUNICIPALITY') || ' in $MUNICIPALITY), ' ||
  (SELECT COUNT(*) FROM evaluations) || ' evaluations (' ||
  (SELECT COUNT(*) FROM evaluations WHERE done_on IS NULL) || ' open), ' ||
  (SELECT COUNT(*) FROM users) || ' users'")"

# --- server and tokens ------------------------------------------------------------
start_server "$DATA_DIR"
WORKER_TOKEN="$(add_token "$WORKER")"
POLICY_TOKEN="$(add_token "$POLICY")"

# Both pages must answer 200 and show what the database holds.
check_url "$WORKER_TOKEN" /team/evaluaties
PAGE_ROWS="$(grep -c '<tr><td>' "$WORK/check.html" || true)"
[ "$PAGE_ROWS" = "$DUE_ROWS" ] ||
  { log "/team/evaluaties lists $PAGE_ROWS evaluations, the database $DUE_ROWS"; exit 1; }
check_url "$POLICY_TOKEN" "$COST_PATH"
PAGE_ROWS="$(grep -c '<tr><td>' "$WORK/check.html" || true)"   # the youths' row + the lines
[ "$PAGE_ROWS" = "$((COST_LINES + 1))" ] ||
  { log "$COST_PATH shows $((PAGE_ROWS - 1)) cost lines, the database $COST_LINES"; exit 1; }

# --- idle memory ----------------------------------------------------------------
sleep 3
IDLE_KB="$(rss_kb)"
log "idle VmRSS: $(kb_to_mb "$IDLE_KB") MB"

# --- load -----------------------------------------------------------------------
# Anything else running shares the cores with wrk and the server: note the load.
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
run_scenario "GET /team/evaluaties" "/team/evaluaties" "$WORKER_TOKEN"
run_scenario "GET /kosten ($MUNICIPALITY, $YEAR)" "$COST_PATH" "$POLICY_TOKEN"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
AFTER_KB="$(rss_kb)"

# --- report ---------------------------------------------------------------------
save_report "-access" "$(
  echo "eenplan access pages bench: source tree $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- crates src 2>/dev/null || echo '+changes') now $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, wrk -t$THREADS -c$CONNS -d$DURATION --timeout $WRK_TIMEOUT, SQLite"
  echo "dataset: $DATASET; data dir $DB_MB MB"
  echo "load average before the run: $LOAD_BEFORE, after: $LOAD_AFTER (1, 5, 15 min; wrk and the server on the same cores)"
  echo "binary: target/release/eenplan built $(date -u -r "$BIN" +%Y-%m-%dT%H:%M:%SZ)"
  echo "as $WORKER: /team/evaluaties lists $DUE_ROWS evaluations ($OVERDUE_ROWS overdue); as $POLICY: $COST_PATH sums $COST_DECISIONS decisions in $COST_LINES lines"
  echo "$ROW_HEADER"
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo "CPU during each scenario, % of all $(nproc) cores:"
  echo "$CPU_HEADER"
  for r in "${CPU_ROWS[@]}"; do echo "$r"; done
  echo "peak RSS $(kb_to_mb "$PEAK_KB") MB, RSS after load $(kb_to_mb "$AFTER_KB") MB; goal: p99 < 20 ms for each"
)"
