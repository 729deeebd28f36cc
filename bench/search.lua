-- wrk script for bench/cases.sh, scenario "search": POST the JSON body in BENCH_BODY
-- (a search is posted, never in the URL). The Authorization header, Accept and the
-- BENCH line come from report.lua.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
