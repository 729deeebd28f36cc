#!/usr/bin/env bash
# Load benchmark of the case pages on a realistic SQLite dataset (loopback only).
#
# Builds target/release/eenplan, starts it once on a fresh temporary data folder so it
# migrates and loads the demo region, stops it, and fills the SQLite file with ten
# years of a region with bench/seed_cases.py (30,000 families, 60,000 cases, 70
# family workers, 40,000 access decisions; demo.gezinswerker gets 40 open cases). Then
# it starts the server again on 127.0.0.1:$BENCH_PORT, creates an API token for
# demo.gezinswerker and runs wrk, authenticated with Authorization: Bearer TOKEN, against
#   (a) GET /casussen              the worker's caseload
#   (b) GET /casussen/<id>         a case page, rotating over the worker's open cases
#                                  (bench/cases.lua)
#   (c) POST /api/v1/search        a search on a surname that a few families carry
# while sampling the server's VmRSS, and prints a table. The server is stopped at the
# end. Results are also written to bench/results/<timestamp>-cases.txt.
#
# Environment (all optional):
#   BENCH_PORT=18383  BENCH_CONNECTIONS=50  BENCH_THREADS=2  BENCH_DURATION=15s
#   BENCH_TIMEOUT=30s      wrk --timeout: slower answers count as errors
#   BENCH_SKIP_BUILD=1     use the existing target/release/eenplan as it is
#   BENCH_FAMILIES=30000 BENCH_CASES=60000 BENCH_WORKERS=70 BENCH_DECISIONS=40000
#   BENCH_SEED=20261125
#   BENCH_SEARCH_NAME=...  search for this name instead of the one picked
#   BENCH_KEEP=1           keep the temporary folder (data dir, logs, wrk output)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${BENCH_PORT:-18383}"
CONNS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
DURATION="${BENCH_DURATION:-15s}"
# Slow answers are measured rather than dropped as wrk timeouts (wrk's default is 2s).
WRK_TIMEOUT="${BENCH_TIMEOUT:-30s}"
BIN="./target/release/eenplan"
WORKER="demo.gezinswerker"
# SQLite in the data folder, whatever the environment says.
unset EENPLAN_DATABASE_URL EENPLAN_DATA_DIR EENPLAN_LISTEN EENPLAN_NO_DEMO

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

install_tools wrk sqlite3
build_and_check_port

# --- dataset --------------------------------------------------------------------
seed_dataset

# The worker's open cases, for the case-page scenario.
q "SELECT c.id FROM cases c JOIN users u ON u.id = c.worker_id
   WHERE u.username = '$WORKER' AND c.status <> 'afgesloten' ORDER BY c.number" >"$WORK/case_ids.txt"
N_IDS="$(wc -l <"$WORK/case_ids.txt")"
[ "$N_IDS" -gt 0 ] || { log "$WORKER has no open cases"; exit 1; }

# A surname carried by three to five families, at least two of them in the worker's
# team (so the search finds them); the first in alphabetical order.
SEARCH_NAME="${BENCH_SEARCH_NAME:-$(q "
  WITH mine AS (SELECT tm.team_id FROM team_members tm JOIN users u ON u.id = tm.user_id
                WHERE u.username = '$WORKER'),
       fam AS (SELECT f.id, f.name, MAX(c.team_id IN (SELECT team_id FROM mine)) AS visible
               FROM families f JOIN cases c ON c.family_id = f.id GROUP BY f.id)
  SELECT substr(name, 7) FROM fam WHERE name NOT LIKE 'Gezin % %'
  GROUP BY name HAVING COUNT(*) BETWEEN 3 AND 5 AND SUM(visible) >= 2
  ORDER BY name LIMIT 1")}"
[ -n "$SEARCH_NAME" ] || { log "found no surname to search for; set BENCH_SEARCH_NAME"; exit 1; }
SEARCH_KEY="$(tr '[:upper:]' '[:lower:]' <<<"$SEARCH_NAME")"
SEARCH_FAMILIES="$(q "SELECT COUNT(DISTINCT family_id) FROM persons WHERE name_key LIKE '%$SEARCH_KEY%'")"
SEARCH_PERSONS="$(q "SELECT COUNT(*) FROM persons WHERE name_key LIKE '%$SEARCH_KEY%'")"
SEARCH_BODY="$(python3 -c 'import json, sys; print(json.dumps({"name": sys.argv[1]}))' "$SEARCH_NAME")"

DB_MB="$(du -sm "$DATA_DIR" | cut -f1)"
DATASET="$(q "SELECT (SELECT COUNT(*) FROM families) || ' families, ' ||
  (SELECT COUNT(*) FROM persons) || ' persons, ' || (SELECT COUNT(*) FROM cases) || ' cases (' ||
  (SELECT COUNT(*) FROM cases WHERE status = 'in_begeleiding') || ' in care, ' ||
  (SELECT COUNT(*) FROM cases WHERE status = 'aangemeld') || ' waiting), ' ||
  (SELECT COUNT(*) FROM case_events) || ' case events, ' ||
  (SELECT COUNT(*) FROM plan_versions) || ' plan versions, ' ||
  (SELECT COUNT(*) FROM users) || ' users'")"

# --- server ---------------------------------------------------------------------
start_server "$DATA_DIR"

# --- API token (CLI against the same data dir while the server runs) -------------
TOKEN="$(add_token "$WORKER")"

# Every page of every scenario must answer 200 with the token.
check() { check_url "$TOKEN" "$1"; }
check /casussen
while read -r id; do check "/casussen/$id"; done <"$WORK/case_ids.txt"
code="$(curl -s -o "$WORK/check.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "$SEARCH_BODY" "$URL/api/v1/search")"
[ "$code" = 200 ] || { log "POST /api/v1/search answered HTTP $code"; head -c 500 "$WORK/check.json" >&2; exit 1; }
SEARCH_HITS="$(grep -o '"case_id"' "$WORK/check.json" | wc -l)"
grep -q "Gezin $SEARCH_NAME" "$WORK/check.json" || { log "the search found no Gezin $SEARCH_NAME"; exit 1; }

# --- idle memory ----------------------------------------------------------------
sleep 3
IDLE_KB="$(rss_kb)"
log "idle VmRSS: $(kb_to_mb "$IDLE_KB") MB"

# --- load -----------------------------------------------------------------------
# Anything else running shares the two cores with wrk and the server: note the load.
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
AUDIT_BEFORE="$(q "SELECT COUNT(*) FROM audit_events")"
run_scenario "GET /casussen" "/casussen" "$TOKEN"
export BENCH_CASE_IDS="$WORK/case_ids.txt"
run_scenario "GET /casussen/<id> ($N_IDS ids)" "/casussen/" "$TOKEN" "$ROOT/bench/cases.lua"
export BENCH_BODY="$SEARCH_BODY"
run_scenario "POST /api/v1/search {name: $SEARCH_NAME}" "/api/v1/search" "$TOKEN" "$ROOT/bench/search.lua"
AFTER_KB="$(rss_kb)"
AUDIT_AFTER="$(q "SELECT COUNT(*) FROM audit_events")"

# --- report ---------------------------------------------------------------------
save_report "-cases" "$(
  echo "eenplan case pages bench: source tree $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- crates src 2>/dev/null || echo '+changes') now $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, wrk -t$THREADS -c$CONNS -d$DURATION --timeout $WRK_TIMEOUT, SQLite"
  echo "dataset: $DATASET; data dir $DB_MB MB"
  echo "load average before the run: $LOAD_BEFORE (1, 5, 15 min; wrk and the server on the same cores)"
  echo "binary: target/release/eenplan built $(date -u -r "$BIN" +%Y-%m-%dT%H:%M:%SZ)"
  echo "as $WORKER: $N_IDS open cases; search '$SEARCH_NAME': $SEARCH_PERSONS persons in $SEARCH_FAMILIES families match the name (all teams), the API lists $SEARCH_HITS (person, case) hits"
  echo "$ROW_HEADER"
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo "CPU during each scenario, % of all $(nproc) cores:"
  echo "$CPU_HEADER"
  for r in "${CPU_ROWS[@]}"; do echo "$r"; done
  echo "peak RSS $(kb_to_mb "$PEAK_KB") MB, RSS after load $(kb_to_mb "$AFTER_KB") MB; audit events written during load: $((AUDIT_AFTER - AUDIT_BEFORE)); goal: p99 < 20 ms for each"
)"
