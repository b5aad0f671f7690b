-- Tollgate admission: every limit of one request checked and taken atomically, in one round trip.
-- All keys share the org's hash tag, so this runs on Redis Cluster too.
--
-- KEYS: 1 key RPM TAT, 2 key TPM TAT, 3 org RPM TAT, 4 org TPM TAT, 5 key stream slots (zset),
--       6 key spend (current period), 7 org spend (current period), 8 reservation record,
--       9 key slot leases (zset lease id -> expiry), 10 slot lease weights (hash lease id -> slots):
--       replicas that lease the key's slots (lease.lua) hold them there,
--       11 key alert markers, 12 org alert markers (current period; see settle.lua)
-- ARGV: 1 now in µs (0 = use Redis TIME), 2 key RPM, 3 key TPM, 4 org RPM, 5 org TPM (0 = unlimited),
--       6 tokens to reserve, 7 max streams (0 = unlimited), 8 stream lease µs, 9 reservation id,
--       10 worst-case cost in micro-USD, 11 key budget micro-USD (-1 = none), 12 org budget (-1 = none),
--       13 key spend TTL s, 14 org spend TTL s, 15 reservation TTL s,
--       16 key alert percents ("50,80,100"), 17 org alert percents
-- Returns {admitted 0/1, refusal code, retry-after µs (-1 = never), limit that refused,
--          key RPM remaining, key RPM reset µs, key TPM remaining, key TPM reset µs}
--
-- Buckets are GCRA: one "theoretical arrival time" per bucket, refilling continuously over a
-- minute, so no window edge lets a client burst twice.
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local PERIOD = 60000000
local tokens = tonumber(ARGV[6])
local cost = tonumber(ARGV[10])
local key_rpm, key_tpm = tonumber(ARGV[2]), tonumber(ARGV[3])
local org_rpm, org_tpm = tonumber(ARGV[4]), tonumber(ARGV[5])

local function tat_of(key)
  local tat = tonumber(redis.call('GET', key) or 0)
  if tat < now then return now end
  return tat
end

local function remaining(key, limit)
  if limit <= 0 then return 0, 0 end
  local used = tat_of(key) - now
  return math.floor((PERIOD - used) * limit / PERIOD), used
end

local function answer(admitted, code, retry, limit)
  local rpm_left, rpm_reset = remaining(KEYS[1], key_rpm)
  local tpm_left, tpm_reset = remaining(KEYS[2], key_tpm)
  return {admitted, code, retry, limit, rpm_left, rpm_reset, tpm_left, tpm_reset}
end

if key_tpm > 0 and tokens > key_tpm then return answer(0, 8, -1, key_tpm) end
if org_tpm > 0 and tokens > org_tpm then return answer(0, 8, -1, org_tpm) end

local buckets = {
  {KEYS[1], key_rpm, 1, 1}, {KEYS[2], key_tpm, tokens, 2},
  {KEYS[3], org_rpm, 1, 3}, {KEYS[4], org_tpm, tokens, 4}}
local taken = {}
for i, b in ipairs(buckets) do
  local limit, units = b[2], b[3]
  if limit > 0 and units > 0 then
    local new_tat = tat_of(b[1]) + math.ceil(units * PERIOD / limit)
    local excess = new_tat - now - PERIOD
    if excess > 0 then return answer(0, b[4], excess, limit) end
    taken[i] = new_tat
  end
end

-- A budget refusal also answers the spend so far (a 9th field), for the caller's remaining amount.
-- It is also where a budget runs out in practice (a request reserves its worst case, so settled
-- spend rarely lands on the limit itself): the thresholds of 100 % and more are marked here, once
-- per limit, as settle.lua marks them (ADR 0012).
local function exhausted(markers, budget, spent, percents, ttl)
  if budget <= 0 then return end
  local marked = false
  for pct in string.gmatch(percents, '%d+') do
    if tonumber(pct) >= 100 then
      local fired = redis.call('HGET', markers, pct)
      if (not fired) or tonumber(string.match(fired, '^(%d+)')) ~= budget then
        redis.call('HSET', markers, pct, string.format('%.0f:%.0f:%.0f', budget, spent, now))
        marked = true
      end
    end
  end
  if marked then redis.call('EXPIRE', markers, ttl) end
end
local function over_budget(code, budget, spent)
  if code == 6 then exhausted(KEYS[11], budget, spent, ARGV[16], ARGV[13])
  else exhausted(KEYS[12], budget, spent, ARGV[17], ARGV[14]) end
  local refused = answer(0, code, -1, budget)
  refused[9] = spent
  return refused
end
local key_budget, org_budget = tonumber(ARGV[11]), tonumber(ARGV[12])
if key_budget >= 0 then
  local spent = tonumber(redis.call('GET', KEYS[6]) or 0)
  if spent + cost > key_budget then return over_budget(6, key_budget, spent) end
end
if org_budget >= 0 then
  local spent = tonumber(redis.call('GET', KEYS[7]) or 0)
  if spent + cost > org_budget then return over_budget(7, org_budget, spent) end
end

local max_streams = tonumber(ARGV[7])
local lease = tonumber(ARGV[8])
if max_streams > 0 then
  -- Slots are leases: a replica that dies holding one frees it when the lease ends.
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
  local used = redis.call('ZCARD', KEYS[5])
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[9], '(' .. now, '+inf')) do
    used = used + tonumber(redis.call('HGET', KEYS[10], id) or 0)
  end
  if used >= max_streams then return answer(0, 5, 1000000, max_streams) end
end

-- Everything fits: take it all.
for i, b in ipairs(buckets) do
  if taken[i] then
    redis.call('SET', b[1], string.format('%.0f', taken[i]), 'PX', math.ceil((taken[i] - now) / 1000) + 1000)
  end
end
if max_streams > 0 then
  redis.call('ZADD', KEYS[5], string.format('%.0f', now + lease), ARGV[9])
  redis.call('PEXPIRE', KEYS[5], math.ceil(lease / 1000) + 1000)
end
if key_budget >= 0 then
  redis.call('INCRBY', KEYS[6], cost)
  redis.call('EXPIRE', KEYS[6], ARGV[13])
end
if org_budget >= 0 then
  redis.call('INCRBY', KEYS[7], cost)
  redis.call('EXPIRE', KEYS[7], ARGV[14])
end
redis.call('HSET', KEYS[8], 't', tokens, 'c', cost)
redis.call('EXPIRE', KEYS[8], ARGV[15])
return answer(1, 0, 0, 0)
