#!/usr/bin/env bash
# iJw message traffic through the store on SQLite (release build): produce the JW301 of
# 100,000 in-kind decisions, then receive 50,000 JW305 and 50,000 JW307 messages (parse,
# rules, database rules, applied, answered, audited). Prints messages per second.
# The database lives in a temporary folder that is removed afterwards (BENCH_KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIR="$(mktemp -d)"
if [ -z "${BENCH_KEEP:-}" ]; then trap 'rm -rf "$DIR"' EXIT; else echo "data in $DIR"; fi
cargo run --release -q -p eenplan-store --example ijw_flow -- "$DIR"
