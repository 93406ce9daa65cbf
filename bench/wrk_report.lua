-- wrk script: prints one machine-readable line with throughput, p50, p95 and errors at the end.
-- With COACH_BENCH_PUT set, each request is an API deal upsert with its own external id.
local put = os.getenv("COACH_BENCH_PUT")
local counter = 0
local threads_made = 0
thread_tag = "main"  -- replaced in each thread by setup(), so ids never collide between threads

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_tag", os.time() .. "-" .. threads_made)
end

if put then
  request = function()
    counter = counter + 1
    local id = "bench-" .. thread_tag .. "-" .. counter
    local body = '{"name": "Bench deal ' .. id .. '", "amount": 120000, "currency": "CNY", "outcome": "open", "stage": "Negotiation"}'
    -- wrk.format uses the headers given here instead of the command line's, so carry those over.
    local headers = {["Content-Type"] = "application/json"}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    return wrk.format("PUT", "/api/v1/deals/bench/" .. id, headers, body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
