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
URL="http://127.0.0.1:$PORT"

log() { printf '[bench] %s\n' "$*" >&2; }

# --- tools ----------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (Debian package)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk >/dev/null 2>&1; then
    $SUDO apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk >/dev/null
  fi
fi

# --- build ----------------------------------------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "cargo build --release"
  cargo build --release
fi
[ -x "$BIN" ] || { log "missing $BIN"; exit 1; }

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  log "port $PORT is already in use; set BENCH_PORT"
  exit 1
fi

# --- server ---------------------------------------------------------------------
WORK="$(mktemp -d)"
DATA_DIR="$WORK/data"
mkdir -p "$DATA_DIR"
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
  if [ -n "$SAMPLER_PID" ] && kill -0 "$SAMPLER_PID" 2>/dev/null; then
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log "starting $BIN on $URL (data dir $DATA_DIR)"
"$BIN" --data-dir "$DATA_DIR" serve --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 120); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "server exited early:"; cat "$WORK/server.log" >&2; exit 1
  fi
  curl -fs -o /dev/null --max-time 2 "$URL/healthz" && break
  sleep 0.5
done
curl -fs -o /dev/null --max-time 2 "$URL/healthz" || {
  log "server did not answer /healthz within 60 s"; cat "$WORK/server.log" >&2; exit 1; }

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }
kb_to_mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

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
# Samples VmRSS every 100 ms into $1 (one value per line) until killed.
start_sampler() {
  local out="$1"
  : >"$out"
  ( while kill -0 "$SERVER_PID" 2>/dev/null; do rss_kb >>"$out"; sleep 0.1; done ) &
  SAMPLER_PID=$!
}
stop_sampler() {
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
}

declare -a ROWS=()
run_scenario() {
  local name="$1" path="$2" token="$3" slug
  slug="$(tr -c 'A-Za-z0-9\n' '_' <<<"$name")"
  log "wrk -t$THREADS -c$CONNS -d$DURATION $URL$path  ($name)"
  start_sampler "$WORK/rss-$slug.txt"
  BENCH_TOKEN="$token" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency \
    -s "$ROOT/bench/report.lua" "$URL$path" >"$WORK/wrk-$slug.txt" 2>&1 || {
      stop_sampler; log "wrk failed:"; cat "$WORK/wrk-$slug.txt" >&2; exit 1; }
  stop_sampler
  cat "$WORK/wrk-$slug.txt" >&2
  local line peak
  line="$(grep '^BENCH ' "$WORK/wrk-$slug.txt" | tail -n1)"
  [ -n "$line" ] || { log "no BENCH line from wrk"; exit 1; }
  peak="$(sort -n "$WORK/rss-$slug.txt" | tail -n1)"
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  ROWS+=("$(printf '%-28s %10s %9s %9s %9s %12s %12s %8s' \
    "$name" "$(field rps)" "$(field p50_ms)" "$(field p99_ms)" "$(field max_ms)" \
    "$(kb_to_mb "$IDLE_KB")" "$(kb_to_mb "${peak:-0}")" \
    "$(( $(field non2xx3xx) + $(field socket_errors) ))")")
}

run_scenario "GET /login" "/login" ""
run_scenario "GET /api/v1/organisations" "/api/v1/organisations" "$TOKEN"

AFTER_KB="$(rss_kb)"

# --- report ---------------------------------------------------------------------
REPORT="$(
  echo "eenplan bench: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, wrk -t$THREADS -c$CONNS -d$DURATION"
  printf '%-28s %10s %9s %9s %9s %12s %12s %8s\n' \
    scenario req/s p50_ms p99_ms max_ms idle_rss_MB peak_rss_MB errors
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo "RSS after load: $(kb_to_mb "$AFTER_KB") MB; goals: p99 < 10 ms (authenticated read), idle RSS < 30 MB"
)"
echo "$REPORT"
mkdir -p "$ROOT/bench/results"
echo "$REPORT" >"$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
