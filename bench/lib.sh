# Shared by bench/run.sh, bench/cases.sh and bench/access.sh (sourced, not run).
# Expects ROOT, PORT, CONNS, THREADS, DURATION and BIN (and optionally WRK_TIMEOUT,
# default wrk's 2s) to be set and `set -euo pipefail`.

URL="http://127.0.0.1:$PORT"
# wrk counts an answer slower than this as a timeout (an error, left out of the latencies).
WRK_TIMEOUT="${WRK_TIMEOUT:-2s}"

log() { printf '[bench] %s\n' "$*" >&2; }

# Installs the Debian packages named (e.g. wrk sqlite3) whose command is missing.
install_tools() {
  local missing=() SUDO=""
  for pkg in "$@"; do command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ "${#missing[@]}" = 0 ] && return 0
  log "installing ${missing[*]} (Debian packages)"
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; then
    $SUDO apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" >/dev/null
  fi
}

# Builds the release binary unless BENCH_SKIP_BUILD=1, copies it into $WORK (BIN then
# names the copy) and checks that the port is free.
build_and_check_port() {
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release"
    cargo build --release
  fi
  [ -x "$BIN" ] || { log "missing $BIN"; exit 1; }
  # Run a copy, so that a build during the run does not swap the binary under it.
  cp -p "$BIN" "$WORK/eenplan"
  BIN="$WORK/eenplan"
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    log "port $PORT is already in use; set BENCH_PORT"
    exit 1
  fi
}

# A temporary work folder, removed at exit (kept with BENCH_KEEP=1) after the server
# and the sampler are stopped.
WORK="$(mktemp -d)"
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
  if [ -n "$SAMPLER_PID" ] && kill -0 "$SAMPLER_PID" 2>/dev/null; then
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
  fi
  stop_server
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "kept $WORK (BENCH_KEEP=1)"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT INT TERM

# start_server DATA_DIR: starts $BIN on $URL and waits (up to 60 s) for /healthz.
start_server() {
  local data_dir="$1"
  log "starting $BIN on $URL (data dir $data_dir)"
  "$BIN" --data-dir "$data_dir" serve --listen "127.0.0.1:$PORT" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "server exited early:"; cat "$WORK/server.log" >&2; exit 1
    fi
    curl -fs -o /dev/null --max-time 2 "$URL/healthz" && return 0
    sleep 0.5
  done
  log "server did not answer /healthz within 60 s"; cat "$WORK/server.log" >&2; exit 1
}

# Stops the server started by start_server (by its pid) and waits for it to exit.
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

# seed_dataset: starts $BIN once on a fresh data folder $WORK/data (so it migrates and
# loads the demo region, without the generated years: the dataset is the seed's own),
# stops it and fills DB=$WORK/data/eenplan.sqlite3 with
# bench/seed_cases.py (BENCH_FAMILIES, BENCH_CASES, BENCH_WORKERS, BENCH_DECISIONS,
# BENCH_SEED); its summary goes to stderr and $WORK/seed.txt. Sets DATA_DIR and DB.
seed_dataset() {
  command -v python3 >/dev/null || { log "python3 is needed for bench/seed_cases.py"; exit 1; }
  DATA_DIR="$WORK/data"
  DB="$DATA_DIR/eenplan.sqlite3"
  mkdir -p "$DATA_DIR"
  EENPLAN_DEMO_YEARS=0 start_server "$DATA_DIR"    # migrates and loads the demo region
  stop_server
  log "seeding $DB"
  python3 "$ROOT/bench/seed_cases.py" "$DB" --codelists "$ROOT/data/codelists" \
    --families "${BENCH_FAMILIES:-30000}" --cases "${BENCH_CASES:-60000}" \
    --workers "${BENCH_WORKERS:-70}" --decisions "${BENCH_DECISIONS:-40000}" \
    --seed "${BENCH_SEED:-20261125}" | tee "$WORK/seed.txt" >&2
}

# q SQL: runs a query on $DB with the sqlite3 CLI (no header).
q() { sqlite3 -batch -noheader "$DB" "$@"; }

# add_token USERNAME: prints a new API token for the user (the CLI works on the data
# folder while the server runs; SQLite WAL lets them share the file).
add_token() {
  local token
  token="$("$BIN" --data-dir "$DATA_DIR" token add --username "$1" --name bench | tail -n1 | tr -d '[:space:]')"
  [ -n "$token" ] || { log "token add for $1 printed no token"; exit 1; }
  echo "$token"
}

# check_url TOKEN PATH: GET $URL$PATH with Authorization: Bearer TOKEN must answer 200;
# the body is left in $WORK/check.html.
check_url() {
  local code
  code="$(curl -s -o "$WORK/check.html" -w '%{http_code}' -H "Authorization: Bearer $1" "$URL$2")"
  if [ "$code" != 200 ]; then
    log "GET $2 with the token answered HTTP $code:"; head -c 500 "$WORK/check.html" >&2; echo >&2
    exit 1
  fi
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }
kb_to_mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Samples VmRSS every 100 ms into $1 (one value per line) until stopped.
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

ROW_FORMAT='%-28s %10s %9s %9s %9s %12s %12s %8s'
ROW_HEADER="$(printf "$ROW_FORMAT" scenario req/s p50_ms p99_ms max_ms idle_rss_MB peak_rss_MB errors)"
declare -a ROWS=()
PEAK_KB=0

# Where the machine's CPU went during each scenario, in % of all cores: the server,
# wrk, everything else (other processes disturb the figures), waiting for the disk
# (iowait) and idle; plus the server's CPU time per request.
CPU_FORMAT='%-28s %9s %7s %9s %9s %7s %15s'
CPU_HEADER="$(printf "$CPU_FORMAT" scenario server_% wrk_% others_% iowait_% idle_% server_cpu_ms/req)"
declare -a CPU_ROWS=()
CLK_TCK="$(getconf CLK_TCK)"
# Prints "busy total iowait" jiffies of all cores from /proc/stat.
cpu_jiffies() {
  awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6, $6 }' /proc/stat
}
server_jiffies() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0; }

# run_scenario NAME PATH TOKEN [WRK_SCRIPT]: runs wrk against $URL$PATH with
# Authorization: Bearer TOKEN (none when empty) while sampling VmRSS, and appends a
# row to ROWS. The wrk script (default bench/report.lua) must print the BENCH line.
# Needs IDLE_KB.
run_scenario() {
  local name="$1" path="$2" token="$3" script="${4:-$ROOT/bench/report.lua}" slug
  slug="$(tr -c 'A-Za-z0-9\n' '_' <<<"$name")"
  log "wrk -t$THREADS -c$CONNS -d$DURATION $URL$path  ($name)"
  start_sampler "$WORK/rss-$slug.txt"
  local busy0 total0 io0 srv0 busy1 total1 io1 srv1 TIMEFORMAT='%U %S'
  read -r busy0 total0 io0 < <(cpu_jiffies)
  srv0="$(server_jiffies)"
  if ! { time BENCH_TOKEN="$token" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" \
      --timeout "$WRK_TIMEOUT" --latency -s "$script" "$URL$path" \
      >"$WORK/wrk-$slug.txt" 2>&1 ; } 2>"$WORK/time-$slug.txt"; then
    stop_sampler; log "wrk failed:"; cat "$WORK/wrk-$slug.txt" >&2; exit 1
  fi
  read -r busy1 total1 io1 < <(cpu_jiffies)
  srv1="$(server_jiffies)"
  stop_sampler
  cat "$WORK/wrk-$slug.txt" >&2
  local line peak
  line="$(grep '^BENCH ' "$WORK/wrk-$slug.txt" | tail -n1)"
  [ -n "$line" ] || { log "no BENCH line from wrk"; exit 1; }
  peak="$(sort -n "$WORK/rss-$slug.txt" | tail -n1)"
  [ "${peak:-0}" -gt "$PEAK_KB" ] && PEAK_KB="$peak"
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  ROWS+=("$(printf "$ROW_FORMAT" \
    "$name" "$(field rps)" "$(field p50_ms)" "$(field p99_ms)" "$(field max_ms)" \
    "$(kb_to_mb "$IDLE_KB")" "$(kb_to_mb "${peak:-0}")" \
    "$(( $(field non2xx3xx) + $(field socket_errors) ))")")
  CPU_ROWS+=("$(awk -v name="$name" -v fmt="$CPU_FORMAT" -v hz="$CLK_TCK" \
    -v busy=$((busy1 - busy0)) -v total=$((total1 - total0)) -v srv=$((srv1 - srv0)) -v io=$((io1 - io0)) \
    -v wrk="$(tail -n1 "$WORK/time-$slug.txt")" -v n="$(field requests)" 'BEGIN {
      split(wrk, w, " "); wj = (w[1] + w[2]) * hz; if (total <= 0) total = 1
      others = busy - srv - wj; if (others < 0) others = 0
      printf fmt, name, sprintf("%.0f", 100 * srv / total), sprintf("%.0f", 100 * wj / total),
        sprintf("%.0f", 100 * others / total), sprintf("%.0f", 100 * io / total),
        sprintf("%.0f", 100 * (total - busy - io) / total),
        sprintf("%.2f", n > 0 ? 1000 * srv / hz / n : 0) }')")
}

# save_report NAME TEXT: prints TEXT and saves it as bench/results/<UTC time><NAME>.txt.
save_report() {
  echo "$2"
  mkdir -p "$ROOT/bench/results"
  echo "$2" >"$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)$1.txt"
}
