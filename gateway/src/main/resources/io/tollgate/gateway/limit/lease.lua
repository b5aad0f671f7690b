-- Tollgate lease: takes, atomically, what one request needs now (all or nothing, exactly as
-- admit.lua decides) plus extra credit that this replica spends locally on the key's next requests
-- (ADR 15). The extra is taken only from what is free and may be less than asked; it is consumed
-- from the buckets now, so the buckets never admit more than their limits across replicas, and a
-- replica that dies holding credit loses at most the slice it took, which refills within the slice's
-- own span of the bucket. Stream slots are held by the lease: a weight per lease that expires unless
-- renewed, so a dead replica's slots come back within the slot lease.
--
-- KEYS: 1 key RPM TAT, 2 key TPM TAT, 3 org RPM TAT, 4 org TPM TAT, 5 key stream slots of single
--       requests (zset id -> expiry), 6 key slot leases (zset lease id -> expiry), 7 slot lease weights
--       (hash lease id -> slots)
-- ARGV: 1 now in µs (0 = Redis TIME), 2 key RPM, 3 key TPM, 4 org RPM, 5 org TPM (0 = unlimited),
--       6 max streams (0 = unlimited); what the request needs beyond the replica's credit: 7 key requests,
--       8 key tokens, 9 org requests, 10 org tokens, 11 slots; the extra asked: 12 key requests,
--       13 key tokens, 14 org requests, 15 org tokens, 16 slots; 17 key tokens owed, 18 org tokens owed
--       (overruns settled locally), 19 lease id, 20 slots this replica holds now, 21 slot lease µs.
--       A request larger than a token limit is refused by the gateway before it gets here.
-- Returns {admitted 0/1, refusal code, retry-after µs (-1 = never), limit that refused,
--          key RPM remaining, key RPM reset µs, key TPM remaining, key TPM reset µs,
--          key requests taken, key tokens taken, org requests taken, org tokens taken, slots taken}
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local PERIOD = 60000000
local key_rpm, key_tpm = tonumber(ARGV[2]), tonumber(ARGV[3])
local org_rpm, org_tpm = tonumber(ARGV[4]), tonumber(ARGV[5])
local max_streams = tonumber(ARGV[6])
local need_slots = tonumber(ARGV[11])
local lease_id, held = ARGV[19], tonumber(ARGV[20])
local slot_lease = tonumber(ARGV[21])

local function tat_of(key)
  local tat = tonumber(redis.call('GET', key) or 0)
  if tat < now then return now end
  return tat
end

local function set_tat(key, tat)
  if tat > now then
    redis.call('SET', key, string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
  else
    redis.call('DEL', key)
  end
end

-- Overruns this replica settled locally are charged first, whatever the outcome.
local function charge(key, limit, owed)
  if limit <= 0 or owed <= 0 then return end
  set_tat(key, tat_of(key) + math.ceil(owed * PERIOD / limit))
end
charge(KEYS[2], key_tpm, tonumber(ARGV[17]))
charge(KEYS[4], org_tpm, tonumber(ARGV[18]))

local function remaining(key, limit)
  if limit <= 0 then return 0, 0 end
  local used = tat_of(key) - now
  return math.floor((PERIOD - used) * limit / PERIOD), used
end

local function answer(admitted, code, retry, limit, taken)
  local rpm_left, rpm_reset = remaining(KEYS[1], key_rpm)
  local tpm_left, tpm_reset = remaining(KEYS[2], key_tpm)
  return {admitted, code, retry, limit, rpm_left, rpm_reset, tpm_left, tpm_reset,
          taken[1], taken[2], taken[3], taken[4], taken[5]}
end
local NOTHING = {0, 0, 0, 0, 0}

-- The need first, in admit.lua's order, so a refusal names the same limit; nothing is taken unless
-- all of it fits.
local buckets = {
  {KEYS[1], key_rpm, tonumber(ARGV[7]), 1, tonumber(ARGV[12])}, {KEYS[2], key_tpm, tonumber(ARGV[8]), 2, tonumber(ARGV[13])},
  {KEYS[3], org_rpm, tonumber(ARGV[9]), 3, tonumber(ARGV[14])}, {KEYS[4], org_tpm, tonumber(ARGV[10]), 4, tonumber(ARGV[15])}}
local after_need = {}
for i, b in ipairs(buckets) do
  local limit, units = b[2], b[3]
  if limit > 0 then
    local tat = tat_of(b[1]) + math.ceil(units * PERIOD / limit)
    local excess = tat - now - PERIOD
    if units > 0 and excess > 0 then return answer(0, b[4], excess, limit, NOTHING) end
    after_need[i] = tat
  end
end

-- Slots: single requests' slots plus every live lease's weight. This lease's own weight is Redis's
-- when it is live (so a replica's concurrent calls compose), else what the replica says it holds.
local extra_slots, own = 0, 0
if max_streams > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
  local expired = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now)
  if #expired > 0 then
    redis.call('HDEL', KEYS[7], unpack(expired))
    redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now)
  end
  local used = redis.call('ZCARD', KEYS[5])
  own = held
  local weights = redis.call('HGETALL', KEYS[7])
  for i = 1, #weights, 2 do
    if weights[i] == lease_id then own = tonumber(weights[i + 1]) else used = used + tonumber(weights[i + 1]) end
  end
  local free = max_streams - used - own
  if free < need_slots then return answer(0, 5, 1000000, max_streams, NOTHING) end
  extra_slots = math.max(0, math.min(tonumber(ARGV[16]), free - need_slots))
end

-- Everything needed fits: take it, and whatever of the extra is free.
local taken = {0, 0, 0, 0, 0}
for i, b in ipairs(buckets) do
  if after_need[i] then
    local limit = b[2]
    local free_units = math.floor((now + PERIOD - after_need[i]) * limit / PERIOD)
    local extra = math.max(0, math.min(b[5], free_units))
    local units = b[3] + extra
    if units > 0 then set_tat(b[1], tat_of(b[1]) + math.ceil(units * PERIOD / limit)) end
    taken[i] = units
  end
end
if max_streams > 0 then
  local slots = own + need_slots + extra_slots
  if slots > 0 then
    redis.call('ZADD', KEYS[6], string.format('%.0f', now + slot_lease), lease_id)
    redis.call('HSET', KEYS[7], lease_id, slots)
    local ttl = math.ceil(slot_lease / 1000) + 1000
    redis.call('PEXPIRE', KEYS[6], ttl)
    redis.call('PEXPIRE', KEYS[7], ttl)
  end
  taken[5] = need_slots + extra_slots
end
return answer(1, 0, 0, 0, taken)
