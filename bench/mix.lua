-- wrk script: request a mix of paths (one per line in $BENCH_PATHS, with an
-- optional If-None-Match value after a tab) and count every response whose
-- status is not the one expected ($BENCH_EXPECT, default 200).
local paths = {}
local etags = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  local path, etag = line:match("^([^\t]+)\t?(.*)$")
  paths[#paths + 1] = path
  etags[#etags + 1] = etag
end
local expected = tonumber(os.getenv("BENCH_EXPECT") or "200")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
end

function request()
  local i = math.random(#paths)
  local headers = { ["X-Forwarded-Proto"] = "https" }
  if etags[i] ~= "" then
    headers["If-None-Match"] = etags[i]
  end
  return wrk.format("GET", paths[i], headers)
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("unexpected")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "unexpected_status": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, wrong, e.connect + e.read + e.write, e.timeout))
end
