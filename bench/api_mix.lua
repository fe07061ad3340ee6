-- A clinic-day mix for wrk: 90 % reads of random patients, 10 % new patients (RELIABILITY.md C1).
-- The session cookie, CSRF token and patient count come from the environment.
local cookie = os.getenv("KR_COOKIE")
local csrf = os.getenv("KR_CSRF")
local patients = tonumber(os.getenv("KR_PATIENTS"))
local counter = 0

function setup(thread)
  thread:set("prefix", tostring(thread))
end

function request()
  counter = counter + 1
  if counter % 10 == 0 then
    local body = string.format(
      '{"mrn":"LOAD-%s-%d","given_name":"Load","family_name":"Test","birth_date":"1960-01-01","sex":"female"}',
      string.gsub(prefix, "[^%w]", ""), counter)
    return wrk.format("POST", "/api/v1/patients",
      {["Cookie"] = cookie, ["X-CSRF-Token"] = csrf, ["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", "/api/v1/patients/" .. math.random(1, patients), {["Cookie"] = cookie})
end

local statuses = {}
function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency)
  io.write(string.format("requests %d, socket errors %d, non-2xx %d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
  io.write(string.format("latency p50 %.1f ms, p99 %.1f ms\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
