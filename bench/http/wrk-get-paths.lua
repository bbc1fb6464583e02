-- wrk script for bench/http.sh: replays the request stream as the peer's GET paths (one per line
-- of the file named by WRK_PATHS), round-robin from a random start per thread, as the peer
-- harness's wrk-check.lua does, but with every request formatted once, in init, the way
-- wrk-check-post.lua formats Drawbridge's.
local requests = {}
local idx = 0

init = function(args)
  local f = assert(io.open(os.getenv("WRK_PATHS") or "/tmp/wrk-paths.txt", "r"))
  for line in f:lines() do requests[#requests + 1] = wrk.format("GET", line) end
  f:close()
  idx = math.random(#requests)
end

request = function()
  idx = idx % #requests + 1
  return requests[idx]
end
