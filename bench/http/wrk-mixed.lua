-- wrk script for `bench/http.sh --mixed`: nine checks (POST /v1/check with the checker token,
-- bodies from WRK_BODIES as in wrk-check-post.lua) for every workflow write. The writes
-- alternate between creating an access request as one of the users in WRK_USERS
-- ("principal=token,principal=token,...") for a random resource of WRK_RESOURCES
-- ("r00001,r00002,...": resources the eligibility rule covers) and cancelling a request
-- created earlier, so the number of pending requests stays small. Every answer that is not 2xx
-- is counted by status and the first few are printed; done() prints the totals as one JSON line
-- ("mixed: {...}").
local bodies, users, resources = {}, {}, {}
local idx, n, next_user = 0, 0, 0
local check_headers = {}
local created = {}  -- {id, token} of pending requests to cancel
counts = {checks = 0, creates = 0, cancels = 0, errors = 0}
by_status = {}
local shown = 0
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  local f = assert(io.open(os.getenv("WRK_BODIES"), "r"))
  for line in f:lines() do bodies[#bodies + 1] = line end
  f:close()
  check_headers["Authorization"] = "Bearer " .. assert(os.getenv("WRK_TOKEN"), "set WRK_TOKEN")
  check_headers["Content-Type"] = "application/json"
  for principal, token in string.gmatch(assert(os.getenv("WRK_USERS"), "set WRK_USERS"),
                                        "([^=,]+)=([^,]+)") do
    users[#users + 1] = {principal = principal, token = token}
  end
  for id in string.gmatch(assert(os.getenv("WRK_RESOURCES"), "set WRK_RESOURCES"), "[^,]+") do
    resources[#resources + 1] = id
  end
  idx = math.random(#bodies)
end

local function user_headers(token)
  return {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
end

request = function()
  n = n + 1
  if n % 10 ~= 0 then
    idx = idx % #bodies + 1
    counts.checks = counts.checks + 1
    return wrk.format("POST", "/v1/check", check_headers, bodies[idx])
  end
  if #created > 0 then
    local c = table.remove(created, 1)
    counts.cancels = counts.cancels + 1
    return wrk.format("POST", "/v1/requests/" .. c.id .. "/cancel", user_headers(c.token), "{}")
  end
  next_user = next_user % #users + 1
  local u = users[next_user]
  counts.creates = counts.creates + 1
  local resource = resources[math.random(#resources)]
  local body = '{"kind":"access","roles":["jit-dangerous"],"resource":"' .. resource ..
               '","duration":"1h","reason":"http benchmark"}'
  return wrk.format("POST", "/v1/requests", user_headers(u.token), body)
end

response = function(status, headers, body)
  if status < 200 or status > 299 then
    counts.errors = counts.errors + 1
    by_status[status] = (by_status[status] or 0) + 1
    if shown < 5 then
      shown = shown + 1
      io.stderr:write("non-2xx " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
    return
  end
  -- A created request answers with its record: remember it (and its owner's token) to cancel.
  if string.find(body, '"state":"pending"', 1, true) then
    local id = string.match(body, '"id":"([^"]+)"')
    local requester = string.match(body, '"requester":"([^"]+)"')
    for _, u in ipairs(users) do
      if u.principal == requester and id then
        table.insert(created, {id = id, token = u.token})
        break
      end
    end
  end
end

done = function(summary, latency, requests)
  local total = {checks = 0, creates = 0, cancels = 0, errors = 0}
  local statuses = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = total[k] + v end
    for s, v in pairs(t:get("by_status")) do statuses[#statuses + 1] = '"' .. s .. '":' .. v end
  end
  io.write(string.format('mixed: {"checks":%d,"creates":%d,"cancels":%d,"non_2xx":%d,' ..
                         '"by_status":{%s},"socket_errors":%d,"requests":%d,"seconds":%.1f,' ..
                         '"p50_ms":%.3f,"p99_ms":%.3f}\n',
                         total.checks, total.creates, total.cancels, total.errors,
                         table.concat(statuses, ","),
                         summary.errors.connect + summary.errors.read + summary.errors.write +
                           summary.errors.timeout,
                         summary.requests, summary.duration / 1e6,
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
