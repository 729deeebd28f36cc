#!/usr/bin/env bash
# Seeds the corpora of the three targets (corpus/<target>/seed-*). The corpora are not
# committed; running this again rewrites the seeds and keeps what the fuzzer added.
# Needs bash and coreutils only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# `repeat TEXT N`: TEXT N times, without a separator.
# (`yes` ends on SIGPIPE, which pipefail would count as a failure.)
repeat() { { yes -- "$1" || true; } | head -n "$2" | tr -d '\n'; }

# ---------------------------------------------------------------- parse_message
out=corpus/parse_message
mkdir -p "$out"
for f in ../crates/ijw/tests/berichten/*.xml; do
    cp "$f" "$out/seed-$(basename "$f")"
done

root_open='<?xml version="1.0" encoding="UTF-8"?><jw315:Bericht xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema" xmlns:jw315="http://www.istandaarden.nl/ijw/3_2/jw315/schema">'
root_close='</jw315:Bericht>'
# JW315's header, so that a message only goes wrong where the seed means it to.
header=$(sed -n '/<jw315:Header>/,/<\/jw315:Header>/p' ../crates/ijw/tests/berichten/JW315.xml | tr -d '\n\t')

# Nesting under a real message root: within the limit (32), over it, and far beyond it
# (100,000 levels with a one-letter name, so that the seed fits in -max_len=1048576).
for depth in 31 40 4000 100000; do
    name=jw315:Client
    ((depth < 100000)) || name=a
    { printf '%s%s' "$root_open" "$header"
      repeat "<$name>" "$depth"
      repeat "</$name>" "$depth"
      printf '%s' "$root_close"; } > "$out/seed-deep-$depth.xml"
done
# Unclosed: 100,000 start tags and no end.
{ printf '%s' "$root_open"; repeat '<a>' 100000; } > "$out/seed-deep-unclosed.xml"

# Attributes on one element: at the limit (16), over it, and 50,000 (compared pairwise
# by a tree parser without the limit).
for n in 16 20 50000; do
    { printf '%s%s<jw315:Client' "$root_open" "$header"
      for ((i = 0; i < n; i++)); do printf ' a%d="x"' "$i"; done
      printf '/>%s' "$root_close"; } > "$out/seed-attributes-$n.xml"
done

# Namespace declarations: 64 (the limit) and 65 spread over elements, 1,000 on the root
# (more than 16 attributes too), and one prefix bound to a message namespace and then
# rebound.
for n in 64 65; do
    { printf '%s%s' "$root_open" "$header"
      for ((i = 0; i < n; i++)); do printf '<jw315:Client xmlns:n%d="urn:n%d"/>' "$i" "$i"; done
      printf '%s' "$root_close"; } > "$out/seed-namespaces-$n.xml"
done
{ printf '<jw315:Bericht xmlns:jw315="http://www.istandaarden.nl/ijw/3_2/jw315/schema"'
  for ((i = 0; i < 1000; i++)); do printf ' xmlns:n%d="urn:n%d"' "$i" "$i"; done
  printf '>%s%s' "$header" "$root_close"; } > "$out/seed-namespaces-root-1000.xml"
printf '%s%s<jw315:Client xmlns:jw315="http://www.istandaarden.nl/ijw/3_2/jw301/schema"/>%s' \
    "$root_open" "$header" "$root_close" > "$out/seed-namespace-rebound.xml"

# Text runs: at the limit (4096 bytes), one over, 1 MB, and 1 MB of CDATA.
for n in 4096 4097 1000000; do
    { printf '%s%s<jw315:Client><jw315:Bsn>' "$root_open" "$header"
      head -c "$n" /dev/zero | tr '\0' '9'
      printf '</jw315:Bsn></jw315:Client>%s' "$root_close"; } > "$out/seed-text-$n.xml"
done
{ printf '%s%s<jw315:Client><jw315:Bsn><![CDATA[' "$root_open" "$header"
  head -c 1000000 /dev/zero | tr '\0' 'x'
  printf ']]></jw315:Bsn></jw315:Client>%s' "$root_close"; } > "$out/seed-cdata-1000000.xml"

# Entities, character references, comments and a DOCTYPE.
printf '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>%s%s<jw315:Client>&b;&#13;&amp;</jw315:Client>%s' \
    "$root_open" "$header" "$root_close" > "$out/seed-doctype.xml"
printf '%s<!-- c -->%s<jw315:Client><jw315:Bsn>&#13;&#x10FFFF;&#0;&lt;&gt;</jw315:Bsn></jw315:Client>%s' \
    "$root_open" "$header" "$root_close" > "$out/seed-references.xml"

# ---------------------------------------------------------------- json_bodies
# The first byte picks the route (see fuzz_targets/json_bodies.rs), the rest is the body.
out=corpus/json_bodies
mkdir -p "$out"
body() { # route name json
    printf "\\x$(printf '%02x' "$1")%s" "$3" > "$out/seed-$2.json"
}
body 0 any '{"a":[1,2.5,-3e7,true,null,"t\u00e9kst"],"b":{"c":"999900006","d":"2026-12-02","e":"1.250,50","f":"1,5","g":"2026-1"}}'
body 1 organisation '{"name":"Zorg BV","org_type":"provider","agb_code":"12345678","municipality_code":null,"version":1}'
body 2 team '{"organisation_id":"o1","name":"CJG Noord","team_type":"local_team","municipalities":["0946"],"version":3}'
body 3 new-user '{"username":"i.de.vries","display_name":"Iris de Vries","role":"family_worker","organisation_id":"o1","team_ids":["t1","t1"],"password":"fiets-wolk-zeef-tractor"}'
body 4 user-change '{"display_name":"Iris","role":"administrator","organisation_id":"o1","team_ids":[],"active":false,"version":2}'
body 5 registration '{"municipality_code":"0946","registered_on":"2026-11-30","referral_channel":"01","primary_problem_area":"03","problem_areas":["04"],"question":"Hulp bij opvoeden","youths":[{"name":"Tom","birth_date":"14-02-2010","bsn":"999900006","confirm_new":true},{"existing_id":"p1"}],"parents":[{"name":"An","has_authority":true,"phone":"0612345678"}]}'
body 6 plan '{"version":4,"base":2,"goals":[{"id":"","text":"Rust in huis","about":"","pace":"rustig","sub_goals":["a","b"]}],"actions":[{"goal_id":"g1","description":"Gesprek","owner_kind":"professional","owner":"Iris","due":"2026-12-31","done":false}]}'
body 7 person '{"kind":"parent","name":"An","birth_date":"","bsn":"12345672","municipality_code":"0946","has_authority":true,"phone":"+31 6","version":1}'
body 8 network '{"name":"Oma","relation":"grootmoeder","contact":"","contribution":"Oppassen","version":1}'
body 9 transition '{"version":1,"step":"close","reason":"goals_reached","on":"2026-12-01"}'
body 10 case-update '{"version":1,"help_kind":"group_work","drang":true}'
body 11 reason '{"user_id":"u2","reason":"Meekijken"}'
body 12 agreement '{"number":3,"agreed_by":"An","agreed_on":"01-12-2026"}'
body 13 transfer '{"team_id":"t1","from_user_id":"u1","to_user_id":"u2"}'
body 14 access-request '{"version":null,"youth_id":"p1","referrer_type":"02","referrer_code":"12345678","reason":"Angst","product_id":"pr1","funding":"pgb","results":[{"text":"Naar school","goal_id":"g1"}],"volume":10,"unit":"04","frequency":"2","start_on":"2026-01-01","end_on":"2025-12-31","pgb_amount":"\u20ac 1.250,5"}'
body 15 budget '{"amount":"999.999.999.999,99","version":7}'

# Hostile bodies (route 0, any JSON; serde_json stops at 128 levels).
for depth in 127 128 129 100000; do
    { printf '\x00'; repeat '[' "$depth"; repeat ']' "$depth"; } > "$out/seed-deep-$depth.json"
done
{ printf '\x00'; repeat '{"a":' 100000; } > "$out/seed-deep-objects-unclosed.json"
{ printf '\x00{'
  for ((i = 0; i < 50000; i++)); do printf '"k%d":%d,' "$i" "$i"; done
  printf '"end":0}'; } > "$out/seed-many-keys.json"
{ printf '\x0b{"user_id":"u","reason":"'; head -c 1000000 /dev/zero | tr '\0' 'x'; printf '"}'; } > "$out/seed-long-reason.json"
{ printf '\x06{"goals":['
  for ((i = 0; i < 5000; i++)); do printf '{"text":"g","sub_goals":["s","s"]},'; done
  printf '{}]}'; } > "$out/seed-many-goals.json"
printf '\x00{"a":"nul \\u0000 here"}' > "$out/seed-control.json"
printf '\x00{"\\u0007key":1}' > "$out/seed-control-key.json"
printf '\x00["\\ud800"]' > "$out/seed-lone-surrogate.json"
printf '\x00["\xff\xfe"]' > "$out/seed-invalid-utf8.json"
printf '\x00{"a":1} trailing' > "$out/seed-trailing.json"
printf '\x01{"name":"x","org_type":"provider","version":99999999999999999999}' > "$out/seed-overflow.json"
printf '\x0f{"amount":"1e999","version":-9223372036854775808}' > "$out/seed-budget-exponent.json"

# ---------------------------------------------------------------- csv_import
out=corpus/csv_import
mkdir -p "$out"
reg_header='external_id,municipality_code,registered_on,closed_on,referral_channel,problem_area,youth_birth_date,youth_bsn,family_ref'
con_header='external_id,municipality_code,requested_on,referrer,kind,referred_on'
printf '%s\r\nr1,946,2024-01-15,2024-06-30,01,03,14-02-2010,999900006,gezin-1\r\nr2,0946,15-1-2024,,,03,,999900006,gezin-1\r\nr3,0946,2024-02-01,2024-01-01,xx,,2030-01-01,123,\r\n,,,,,,,,\r\n' \
    "$reg_header" > "$out/seed-registrations.csv"
printf '\xef\xbb\xbf%s\nr1;0946;2024-01-15;;;03;;;\n"r;2";0946;"2024-01-15";;;"03";;;\n' \
    "${reg_header//,/;}" > "$out/seed-registrations-semicolon-bom.csv"
printf '%s\nc1,946,2024-03-01,cjg,advice,ja\nc2,0946,01-03-2024,Overig,Consultatie/behandeling,NO\nc3,0946,2099-01-01,x,y,maybe\nc1,0946,2024-03-01,cjg,advice,yes\n' \
    "$con_header" > "$out/seed-consultations.csv"
printf 'EXTERNAL_ID , Municipality_Code,requested_on,referrer,kind,referred_on,,,\nc1,0946,2024-03-01,cjg,advice,ja,,,\nc2,0946\n' \
    > "$out/seed-consultations-extra-columns.csv"
printf '%s,external_id,unknown\n' "$con_header" > "$out/seed-header-problems.csv"
printf '%s\nc1,0946,2024-03-01,cjg,"advice\n,ja\n"unbalanced,quote\n' "$con_header" > "$out/seed-quotes.csv"
printf '%s\rc1,0946,2024-03-01,cjg,advice,ja\rc2,\xff\xfe,2024-03-01,cjg,advice,ja\r' "$con_header" > "$out/seed-cr-invalid-utf8.csv"
printf '' > "$out/seed-empty.csv"
printf '%s\nc1,0946,2024-03-01,cjg,advice,ja\x01\nc2,09\x7f46,2024-03-01,cjg,advice,ja\nc\xc2\x853,0946,2024-03-01,cjg,advice,ja\n' \
    "$con_header" > "$out/seed-control-characters.csv"
# A row's fields hold at most 4096 bytes together: 25 bytes before the last field.
for n in 4071 4072; do
    { printf '%s\nc1,0946,2024-03-01,cjg,advice,' "$con_header"; head -c "$n" /dev/zero | tr '\0' 'j'; printf '\n'; } \
        > "$out/seed-row-$((n + 25))-bytes.csv"
done
# Wide and long: 10,000 columns; a 1 MB field; 20,000 rows (more than one batch).
{ printf '%s' "$con_header"; repeat ',x' 10000; printf '\n'; } > "$out/seed-wide.csv"
# A header that repeats a column name 20,000 times: one problem per repeat.
{ printf '%s' "$con_header"; repeat ',kind' 20000; printf '\n'; } > "$out/seed-repeated-column.csv"
{ printf '%s\nc1,0946,2024-03-01,cjg,advice,' "$con_header"; head -c 1000000 /dev/zero | tr '\0' 'j'; printf '\n'; } > "$out/seed-long-field.csv"
{ printf '%s\n' "$con_header"
  for ((i = 0; i < 20000; i++)); do printf 'c%d,0946,2024-03-01,cjg,advice,ja\n' "$i"; done; } > "$out/seed-rows-20000.csv"

for t in parse_message json_bodies csv_import; do
    echo "corpus/$t: $(find "corpus/$t" -type f | wc -l) files, $(du -sh "corpus/$t" | cut -f1)"
done
