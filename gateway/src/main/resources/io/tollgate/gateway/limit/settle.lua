-- Tollgate settlement: returns what a request reserved and did not use, charges what it used
-- beyond, frees its stream slot. Idempotent: the reservation record is deleted on the first
-- settle, and a settle that finds no record changes nothing.
--
-- It is also where budget alerts are decided (ADR 0012): atomically with the spend change, a
-- threshold the settled spend passes is marked in the budget's alert hash (field = percent, value =
-- "limit:spend:now" in micro-USD and µs), which the control plane relays. A threshold fires when its
-- marker is absent, or was set at another limit (the budget changed) and this request's charge
-- is what took the spend past it; the hash lives and dies with the period's spend key.
--
-- KEYS: 1 key TPM TAT, 2 org TPM TAT, 3 key stream slots, 4 key spend, 5 org spend, 6 reservation,
--       7 key alert markers, 8 org alert markers
-- ARGV: 1 now in µs (0 = Redis TIME), 2 key TPM, 3 org TPM, 4 actual tokens, 5 actual cost micro-USD,
--       6 reservation id, 7 key budget micro-USD (-1 = none), 8 org budget (-1 = none),
--       9 key alert percents ("50,80,100"), 10 org alert percents
-- Returns 1 when settled now, 0 when it was settled before (or its record expired).
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local PERIOD = 60000000
local reserved = redis.call('HMGET', KEYS[6], 't', 'c')
if not reserved[1] then return 0 end
local token_delta = tonumber(ARGV[4]) - tonumber(reserved[1])
local cost_delta = tonumber(ARGV[5]) - tonumber(reserved[2])

local function adjust(key, limit)
  if limit <= 0 or token_delta == 0 then return end
  local tat = tonumber(redis.call('GET', key) or 0)
  local shift = math.ceil(math.abs(token_delta) * PERIOD / limit)
  local new_tat
  if token_delta < 0 then
    new_tat = math.max(tat - shift, now)
  else
    new_tat = math.max(tat, now) + shift
  end
  if new_tat > now then
    redis.call('SET', key, string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
  else
    redis.call('DEL', key)
  end
end
adjust(KEYS[1], tonumber(ARGV[2]))
adjust(KEYS[2], tonumber(ARGV[3]))
redis.call('ZREM', KEYS[3], ARGV[6])
-- Spend keys of the admission's period; one that expired (period over) is left alone.
if cost_delta ~= 0 then
  if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('INCRBY', KEYS[4], cost_delta) end
  if redis.call('EXISTS', KEYS[5]) == 1 then redis.call('INCRBY', KEYS[5], cost_delta) end
end
redis.call('DEL', KEYS[6])

local actual = tonumber(ARGV[5])
local function mark(spend_key, markers, budget, percents)
  if budget <= 0 or percents == '' then return end
  local spent = tonumber(redis.call('GET', spend_key) or -1)
  if spent < 0 then return end
  local before = spent - actual
  local marked = false
  for pct in string.gmatch(percents, '%d+') do
    local at = budget * tonumber(pct) / 100
    if spent >= at then
      local fired = redis.call('HGET', markers, pct)
      local fired_limit = fired and tonumber(string.match(fired, '^(%d+)'))
      if (not fired) or (fired_limit ~= budget and before < at) then
        redis.call('HSET', markers, pct, string.format('%.0f:%.0f:%.0f', budget, spent, now))
        marked = true
      end
    end
  end
  if marked then
    local ttl = redis.call('TTL', spend_key)
    if ttl > 0 then redis.call('EXPIRE', markers, ttl) end
  end
end
mark(KEYS[4], KEYS[7], tonumber(ARGV[7]), ARGV[9])
mark(KEYS[5], KEYS[8], tonumber(ARGV[8]), ARGV[10])
return 1
