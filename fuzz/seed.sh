#!/usr/bin/env bash
# Seeds the parse_message corpus with the example messages of the standard.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p corpus/parse_message
cp ../crates/ijw/tests/berichten/*.xml corpus/parse_message/
