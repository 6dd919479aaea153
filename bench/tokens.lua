-- wrk script: cycle through the bearer tokens of a file (one per line, the path is the
-- script's first argument), one request per token in turn; print the result as one JSON line.
local prepared = {}
local index = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 997)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    prepared[#prepared + 1] = wrk.format("GET", nil, {["Authorization"] = "Bearer " .. line})
  end
  -- Each thread starts at its own place in the list, so threads do not move in lockstep.
  index = (offset or 0) % #prepared
end

function request()
  index = index % #prepared + 1
  return prepared[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
