-- wrk script: requests the paths listed in the file $BENCH_PATHS (one a line) in turn,
-- each thread starting at a different one, with the header $BENCH_HEADER if set
-- ("Name: value"). Used by bench_lists.py to rotate search queries.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local header = os.getenv("BENCH_HEADER")
if header and #header > 0 then
  local name, value = header:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
local i = 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("start", counter * 7)
end

function init(args)
  i = (start or 0) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
