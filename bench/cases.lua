-- wrk script for bench/cases.sh, scenario "case page": GET <url path><id>, rotating
-- over the case ids in the file named by BENCH_CASE_IDS (one a line); each wrk
-- thread starts at a different place in the list. The URL given to wrk ends in the
-- path prefix, e.g. http://127.0.0.1:18383/casussen/
-- The Authorization header, Accept and the BENCH line come from report.lua.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local ids = {}
local file = os.getenv("BENCH_CASE_IDS")
if file ~= nil and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then ids[#ids + 1] = line end
  end
end

local threads = 0
function setup(thread)
  thread:set("thread_no", threads)
  threads = threads + 1
end

local requests = {}
local i = 0
function init(args)
  if #ids == 0 then error("BENCH_CASE_IDS names no file with case ids") end
  for k, id in ipairs(ids) do
    requests[k] = wrk.format("GET", wrk.path .. id)
  end
  i = ((thread_no or 0) * 17) % #requests
end

function request()
  i = i % #requests + 1
  return requests[i]
end
