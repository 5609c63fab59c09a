-- wrk script: GET /api/search for each query of the file in $QUERIES ("lang<TAB>query" per
-- line), in turn, forever; any answer but 200 stops the run. wrk's threads each start at
-- another place in the list, so that they do not send the same query at the same moment.
-- Used by bench/serve.sh and bench/compare.sh.
local queries = {}
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
for line in io.lines(os.getenv("QUERIES")) do
  local lang, q = line:match("^(%a+)\t(.+)$")
  if q then table.insert(queries, "/api/search?lang=" .. lang .. "&limit=10&q=" .. encode(q)) end
end
local threads = 0
function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end
local i = 0
function init(args)
  i = offset or 0
end
function request()
  i = i + 1
  return wrk.format("GET", queries[(i % #queries) + 1])
end
function response(status)
  if status ~= 200 then error("status " .. status) end
end
