#!/usr/bin/env bash
# iJw message throughput: parse + rules::check for 100,000 JW305 and JW307 messages and
# to_xml for 100,000 JW301 (generated in memory, test-range BSNs), release mode.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo run --release -q -p eenplan-ijw --example bench
