#!/usr/bin/env bash
# Load benchmark of the eenplan release binary on this machine (loopback only).
#
# Builds target/release/eenplan, starts it on a fresh temporary data folder
# (demo region) on 127.0.0.1:$BENCH_PORT, creates an API token for
# demo.beheerder, measures the idle resident memory, then runs wrk against
#   (a) GET /login                      (anonymous HTML page)
#   (b) GET /api/v1/organisations       (authenticated read, Bearer token)
# while sampling the server's VmRSS, and prints a table. The server is stopped
# at the end. Results are also written to bench/results/<timestamp>.txt.
#
# Environment (all optional):
#   BENCH_PORT=18282  BENCH_CONNECTIONS=50  BENCH_THREADS=2  BENCH_DURATION=15s
#   BENCH_SKIP_BUILD=1  use the existing target/release/eenplan as it is
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${BENCH_PORT:-18282}"
CONNS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
DURATION="${BENCH_DURATION:-15s}"
BIN="./target/release/eenplan"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

install_tools wrk
build_and_check_port

# --- server ---------------------------------------------------------------------
DATA_DIR="$WORK/data"
mkdir -p "$DATA_DIR"
start_server "$DATA_DIR"

# --- API token (CLI against the same data dir while the server runs) -------------
TOKEN="$("$BIN" --data-dir "$DATA_DIR" token add --username demo.beheerder --name bench | tail -n1 | tr -d '[:space:]')"
[ -n "$TOKEN" ] || { log "token add printed no token"; exit 1; }

code="$(curl -s -o "$WORK/orgs.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/organisations")"
if [ "$code" != 200 ]; then
  log "GET /api/v1/organisations with the token answered HTTP $code:"; head -c 500 "$WORK/orgs.json" >&2; echo >&2
  exit 1
fi
code="$(curl -s -o /dev/null -w '%{http_code}' "$URL/login")"
[ "$code" = 200 ] || { log "GET /login answered HTTP $code"; exit 1; }

# --- idle memory ----------------------------------------------------------------
sleep 3
IDLE_KB="$(rss_kb)"
log "idle VmRSS: $(kb_to_mb "$IDLE_KB") MB"

# --- load -----------------------------------------------------------------------
run_scenario "GET /login" "/login" ""
run_scenario "GET /api/v1/organisations" "/api/v1/organisations" "$TOKEN"

AFTER_KB="$(rss_kb)"

# --- report ---------------------------------------------------------------------
save_report "" "$(
  echo "eenplan bench: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, wrk -t$THREADS -c$CONNS -d$DURATION"
  echo "$ROW_HEADER"
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo "RSS after load: $(kb_to_mb "$AFTER_KB") MB; goals: p99 < 10 ms (authenticated read), idle RSS < 30 MB"
)"
