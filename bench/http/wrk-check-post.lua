-- wrk script for bench/http.sh: replays the jit-workload/1 request stream against
-- `drawbridge serve` as POST /v1/check, one pre-built JSON body per line of the file named by
-- WRK_BODIES, round-robin from a random start per thread, with the checker token in WRK_TOKEN.
-- Each request is formatted when it is sent, as the peer's wrk-check.lua does for its GETs, so
-- that both servers face the same per-request client cost.
local bodies = {}
local idx = 0
local headers = {}

init = function(args)
  local f = assert(io.open(os.getenv("WRK_BODIES") or "/tmp/drawbridge-bodies.txt", "r"))
  for line in f:lines() do bodies[#bodies + 1] = line end
  f:close()
  headers["Authorization"] = "Bearer " .. assert(os.getenv("WRK_TOKEN"), "set WRK_TOKEN")
  headers["Content-Type"] = "application/json"
  idx = math.random(#bodies)
end

request = function()
  idx = idx % #bodies + 1
  return wrk.format("POST", "/v1/check", headers, bodies[idx])
end
