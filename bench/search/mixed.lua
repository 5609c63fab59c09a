-- wrk script for bench/overload.sh: GET /api/search for the queries in $QUERIES ("lang<TAB>query"
-- per line) in turn, forever; with SALT=1 each query gets a random made-up word, so that no
-- answer cache can serve it. Counts answers by status instead of stopping at the first that is
-- not 200, and prints "ok=N shed=N errors=N" (shed: 503s) at the end.
local queries = {}
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
for line in io.lines(os.getenv("QUERIES")) do
  local lang, q = line:match("^(%a+)\t(.+)$")
  if q then table.insert(queries, { lang = lang, q = q }) end
end
local salt = os.getenv("SALT") == "1"
local all = {}
local n = 0
function setup(thread)
  thread:set("offset", n * 7919)
  thread:set("seed", 17 + n)
  table.insert(all, thread)
  n = n + 1
end
local i = 0
ok, shed, errors = 0, 0, 0
function init(args)
  i = offset or 0
  math.randomseed(seed or 17)
end
local letters = "abcdefghijklmnopqrstuvwxyz"
local function word()
  local w = {}
  for k = 1, 7 do
    local at = math.random(1, #letters)
    w[k] = letters:sub(at, at)
  end
  return table.concat(w)
end
function request()
  i = i + 1
  local item = queries[(i % #queries) + 1]
  local q = item.q
  if salt then q = (q:sub(1, 240) .. " " .. word()) end
  return wrk.format("GET", "/api/search?lang=" .. item.lang .. "&limit=10&q=" .. encode(q))
end
function response(status)
  if status == 200 then ok = ok + 1
  elseif status == 503 then shed = shed + 1
  else errors = errors + 1 end
end
function done(summary, latency, requests)
  local o, s, e = 0, 0, 0
  for _, thread in ipairs(all) do
    o = o + thread:get("ok")
    s = s + thread:get("shed")
    e = e + thread:get("errors")
  end
  io.write(string.format("ok=%d shed=%d errors=%d socket_errors=%d\n", o, s, e,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
