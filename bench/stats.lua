-- wrk reporter: one JSON line with throughput, p95 latency and every error kind.
-- Optional rotation over several paths: WRK_PATHS="path1|path2|..." in the env.
local paths = {}
local raw = os.getenv("WRK_PATHS")
if raw and #raw > 0 then
  for p in string.gmatch(raw, "[^|]+") do table.insert(paths, p) end
end
local counter = 0
local token = os.getenv("WRK_BEARER")
-- A signed-in visitor: WRK_COOKIE="sessionid=..." (bench/prepare.py makes the session).
local cookie = os.getenv("WRK_COOKIE")
-- Calendar apps send Accept-Encoding: gzip (WRK_GZIP=1 for the feed endpoints).
local gzip = os.getenv("WRK_GZIP") == "1"

request = function()
  local headers = {}
  if token and #token > 0 then headers["Authorization"] = "Bearer " .. token end
  if cookie and #cookie > 0 then headers["Cookie"] = cookie end
  if gzip then headers["Accept-Encoding"] = "gzip" end
  if #paths > 0 then
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1], headers)
  end
  return wrk.format("GET", nil, headers)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
