-- wrk script: send pre-signed webhook calls from a file, each once, split between threads.
-- The file holds records "<length>\n<raw HTTP request>"; thread k of n sends records
-- k, k+n, k+2n... so no call is sent twice unless the list runs out (then "wrapped" > 0).
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local data = file:read("*a")
  file:close()
  local count = tonumber(args[2])
  calls = {}
  local position, index = 1, 0
  while position <= #data do
    local newline = data:find("\n", position, true)
    local length = tonumber(data:sub(position, newline - 1))
    if index % count == id - 1 then
      calls[#calls + 1] = data:sub(newline + 1, newline + length)
    end
    index = index + 1
    position = newline + 1 + length
  end
  sent = 0
  wrapped = 0
end

function request()
  sent = sent + 1
  if sent > #calls then
    sent = 1
    wrapped = wrapped + 1
  end
  return calls[sent]
end

function done(summary, latency, requests)
  local wraps = 0
  for _, thread in ipairs(threads) do
    wraps = wraps + (thread:get("wrapped") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d, "wrapped": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, wraps))
end
