-- wrk script for bench/http.sh: replays the jit-workload/1 request stream against
-- `drawbridge serve` as POST /v1/check, one pre-built JSON body per line of the file named by
-- WRK_BODIES, round-robin from a random start per thread, with the checker token in WRK_TOKEN.
-- Every request is formatted once, in init: the load generator shares the cores with the server,
-- so what it spends per request is taken from the server (wrk-get-paths.lua does the same for
-- the peer).
local requests = {}
local idx = 0

init = function(args)
  local headers = {}
  headers["Authorization"] = "Bearer " .. assert(os.getenv("WRK_TOKEN"), "set WRK_TOKEN")
  headers["Content-Type"] = "application/json"
  local f = assert(io.open(os.getenv("WRK_BODIES") or "/tmp/drawbridge-bodies.txt", "r"))
  for line in f:lines() do
    requests[#requests + 1] = wrk.format("POST", "/v1/check", headers, line)
  end
  f:close()
  idx = math.random(#requests)
end

request = function()
  idx = idx % #requests + 1
  return requests[idx]
end
