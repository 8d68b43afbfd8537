-- wrk script for run.py: each thread walks its share of a file of request paths (one per
-- line, args[1]) so that queries vary as they do between users; done() prints one line of
-- figures that run.py reads. Latencies are wrk's own, in microseconds.
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  step = tonumber(args[2])
  position = offset
end

function request()
  position = position + step
  return wrk.format("GET", paths[position % #paths + 1])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("figures p50_us=%d p95_us=%d requests=%d duration_us=%d errors=%d\n",
    latency:percentile(50), latency:percentile(95), summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
