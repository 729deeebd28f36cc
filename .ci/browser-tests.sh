#!/usr/bin/env bash
# Browser smoke + accessibility (axe-core, WCAG 2.1 A/AA) test of eenplan.
#
# Installs Debian's chromium if missing, installs the npm dependencies of
# browser-tests/ (npm ci), starts the debug binary on a fresh temporary data
# folder (demo mode) on 127.0.0.1, runs browser-tests/run.mjs against it and
# exits with its status. Screenshots land in browser-tests/screenshots/.
#
# Environment (all optional):
#   EENPLAN_BROWSER_TEST_PORT  port to listen on (default 18181)
#   EENPLAN_BIN                binary to run (default ./target/debug/eenplan,
#                              built with `cargo build` when missing)
#   CHROMIUM_PATH              browser (default /usr/bin/chromium)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${EENPLAN_BROWSER_TEST_PORT:-18181}"
BIN="${EENPLAN_BIN:-./target/debug/eenplan}"
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export CHROMIUM_PATH

log() { printf '[browser-tests] %s\n' "$*"; }

# --- chromium -----------------------------------------------------------------
if [ ! -x "$CHROMIUM_PATH" ]; then
  log "installing chromium (Debian package)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium >/dev/null 2>&1; then
    $SUDO apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium >/dev/null
  fi
fi
"$CHROMIUM_PATH" --version 2>/dev/null | head -n1 || true

# --- npm dependencies ------------------------------------------------------------
log "npm ci"
(cd browser-tests && npm ci --no-audit --no-fund --loglevel=error)

# --- server ---------------------------------------------------------------------
if [ ! -x "$BIN" ]; then
  log "building $BIN (cargo build)"
  cargo build
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  log "port $PORT is already in use; set EENPLAN_BROWSER_TEST_PORT" >&2
  exit 1
fi

DATA_DIR="$(mktemp -d)"
SERVER_LOG="$DATA_DIR/server.log"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT INT TERM

log "starting $BIN on 127.0.0.1:$PORT (data dir $DATA_DIR)"
"$BIN" --data-dir "$DATA_DIR" serve --listen "127.0.0.1:$PORT" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

URL="http://127.0.0.1:$PORT"
ready=0
for _ in $(seq 1 120); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "server exited early:" >&2
    cat "$SERVER_LOG" >&2
    exit 1
  fi
  if curl -fs -o /dev/null --max-time 2 "$URL/healthz"; then
    ready=1
    break
  fi
  sleep 0.5
done
if [ "$ready" != 1 ]; then
  log "server did not answer $URL/healthz within 60 s:" >&2
  cat "$SERVER_LOG" >&2
  exit 1
fi

# --- test -------------------------------------------------------------------------
log "running browser-tests/run.mjs against $URL"
status=0
(cd browser-tests && EENPLAN_URL="$URL" node run.mjs) || status=$?
if [ "$status" != 0 ]; then
  log "FAILED (exit $status); server log tail:"
  tail -n 40 "$SERVER_LOG" || true
fi
exit "$status"
