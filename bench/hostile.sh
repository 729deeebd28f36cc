#!/usr/bin/env bash
# Hostile and large input against a release server on a fresh demo database (SQLite, the
# demo region without generated years): the time to receive iJw declarations (JW323) of
# 1, 2, 5 and 25 MB and the 413 above 25 MiB; deep and wide messages; the server's
# resident memory before, during and after 16 parallel 5 MB messages; and how long a
# family worker's registration takes while a 25 MB message is being received.
#   BENCH_PORT (default 18093), BENCH_SKIP_BUILD=1 to use the existing release binary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${BENCH_PORT:-18093}"
BIN="$ROOT/target/release/eenplan"
source "$ROOT/bench/lib.sh"
install_tools curl
build_and_check_port
DATA_DIR="$WORK/data"
mkdir -p "$DATA_DIR"
EENPLAN_DEMO_YEARS=0 start_server "$DATA_DIR"
PROVIDER="$(add_token demo.aanbieder)"
WORKER="$(add_token demo.gezinswerker)"
gen() { python3 "$ROOT/bench/hostile_messages.py" "$@"; }

# deliver FILE: prints "status seconds" of one POST.
deliver() {
  curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $PROVIDER" -H 'Content-Type: application/xml' \
    --data-binary "@$1" "$URL/api/v1/ijw/messages"
}

echo "eenplan hostile-input bench: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, SQLite, release"
echo
echo "| message | bytes | answer | seconds |"
echo "|---|---|---|---|"
for mb in 1 2 5 25; do
  gen declaration "$mb" "$WORK/d$mb.xml"
  read -r code secs < <(deliver "$WORK/d$mb.xml")
  echo "| JW323 $mb MB | $(stat -c %s "$WORK/d$mb.xml") | $code | $secs |"
done
head -c $((30 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$WORK/big.xml"
read -r code secs < <(deliver "$WORK/big.xml")
echo "| 30 MiB of spaces | $(stat -c %s "$WORK/big.xml") | $code | $secs |"
for depth in 4000 200000; do
  gen deep "$depth" "$WORK/deep.xml"
  read -r code secs < <(deliver "$WORK/deep.xml")
  echo "| JW315, $depth nested elements | $(stat -c %s "$WORK/deep.xml") | $code | $secs |"
done
for attrs in 10000 200000; do
  gen wide "$attrs" "$WORK/wide.xml"
  read -r code secs < <(deliver "$WORK/wide.xml")
  echo "| JW315, $attrs attributes on Client | $(stat -c %s "$WORK/wide.xml") | $code | $secs |"
done

echo
# Resident memory split: anonymous (the heap) and file-backed (SQLite's memory-mapped
# database file, which the kernel drops as it needs).
anon_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$SERVER_PID/status"; }
file_kb() { awk '/^RssFile:/ {print $2}' "/proc/$SERVER_PID/status"; }
rss_line() { echo "$(kb_to_mb "$(rss_kb)") MB ($(kb_to_mb "$(anon_kb)") heap, $(kb_to_mb "$(file_kb)") file)"; }
gen declaration 5 "$WORK/d5.xml"
sleep 2
before="$(rss_line)"
start_sampler "$WORK/rss.txt"
for i in $(seq 1 16); do
  # Each its own identification, so none is refused as a duplicate before it is read.
  sed "s/<ijw:Identificatie>[^<]*</<ijw:Identificatie>P$i</" "$WORK/d5.xml" >"$WORK/p$i.xml"
done
wait_start=$(date +%s.%N)
pids=()
for i in $(seq 1 16); do deliver "$WORK/p$i.xml" >"$WORK/p$i.out" & pids+=($!); done
for pid in "${pids[@]}"; do wait "$pid" || true; done
burst_s="$(awk -v a="$wait_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
stop_sampler
peak="$(sort -n "$WORK/rss.txt" | tail -n1)"
sleep 5
after5="$(rss_line)"
sleep 25
after30="$(rss_line)"
echo "16 parallel 5 MB messages: answers $(cat "$WORK"/p*.out | awk '{print $1}' | sort | uniq -c | awk '{printf "%s x %s; ", $1, $2}')in $burst_s s"
echo "resident memory: idle before $before; peak $(kb_to_mb "$peak") MB; 5 s after $after5; 30 s after $after30"

echo
gen declaration 25 "$WORK/d25b.xml"
# Registrations every half second while a 25 MB declaration is received: while it is
# read and parsed they go straight through; while its 45,000 records are applied (one
# transaction) they wait for it.
deliver "$WORK/d25b.xml" >"$WORK/d25b.out" &
big=$!
: >"$WORK/regs.txt"
NAMES=("" "Aylin Yilmaz" "Bram Verhoeven" "Chloe Dekker" "Daan Mulder" "Emma Vos" "Finn Peters"
  "Guus Hendriks" "Hanna Koster" "Ilias Amrani" "Julia Post" "Kees Brouwer" "Lina Huisman"
  "Milan Schouten" "Nora Kuipers" "Owen Blom" "Puck van Dam")
for n in $(seq 1 16); do
  sleep 0.5
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $WORKER" \
    -H 'Content-Type: application/json' \
    --data "{\"municipality_code\":\"1640\",\"primary_problem_area\":\"opvoeding\",\"question\":\"Vraag\",\"youths\":[{\"name\":\"${NAMES[$n]}\",\"birth_date\":\"2010-01-$(printf %02d "$n")\"}]}" \
    "$URL/api/v1/registrations" >>"$WORK/regs.txt"
done
wait "$big"
echo "while a 25 MB declaration was received ($(cat "$WORK/d25b.out") s): 16 registrations, one every 0.5 s plus its own time, answered $(awk '{print $1}' "$WORK/regs.txt" | sort | uniq -c | awk '{printf "%s x %s ", $1, $2}')in $(awk '{printf "%.3f ", $2}' "$WORK/regs.txt")s"
