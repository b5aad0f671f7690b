-- Tollgate lease release: gives back the credit a replica took and did not use, charges the
-- overruns it settled locally, and renews (or ends) its hold on the key's stream slots (ADR 15).
-- Slot changes are relative to what Redis holds for the lease, so a replica's concurrent lease and
-- release calls compose in any order; what the replica says it holds counts only after the lease ran out.
--
-- KEYS: 1 key RPM TAT, 2 key TPM TAT, 3 org RPM TAT, 4 org TPM TAT, 5 key slot leases (zset lease id ->
--       expiry), 6 slot lease weights (hash lease id -> slots)
-- ARGV: 1 now in µs (0 = Redis TIME), 2 key RPM, 3 key TPM, 4 org RPM, 5 org TPM,
--       6 key requests returned, 7 key tokens returned (negative: owed), 8 org requests returned,
--       9 org tokens returned (negative: owed), 10 lease id, 11 slots returned, 12 slots the replica
--       holds after this, 13 slot lease µs (the lease ends when it holds none)
-- Returns 1.
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local PERIOD = 60000000

local function adjust(key, limit, returned)
  if limit <= 0 or returned == 0 then return end
  local tat = tonumber(redis.call('GET', key) or 0)
  local shift = math.floor(math.abs(returned) * PERIOD / limit)
  local new_tat
  if returned > 0 then
    new_tat = math.max(tat - shift, now)
  else
    new_tat = math.max(tat, now) + math.ceil(math.abs(returned) * PERIOD / limit)
  end
  if new_tat > now then
    redis.call('SET', key, string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
  else
    redis.call('DEL', key)
  end
end
adjust(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[6]))
adjust(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[7]))
adjust(KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[8]))
adjust(KEYS[4], tonumber(ARGV[5]), tonumber(ARGV[9]))

local lease_id, returned_slots = ARGV[10], tonumber(ARGV[11])
local still_held, slot_lease = tonumber(ARGV[12]), tonumber(ARGV[13])
local expiry = redis.call('ZSCORE', KEYS[5], lease_id)
local held
if expiry and tonumber(expiry) > now then
  held = tonumber(redis.call('HGET', KEYS[6], lease_id) or 0) - returned_slots
else
  -- The lease ran out (Redis was away): held again from now, as the replica says.
  held = still_held
end
if held <= 0 then
  -- Nothing held any more: the lease ends now rather than at its expiry.
  redis.call('ZREM', KEYS[5], lease_id)
  redis.call('HDEL', KEYS[6], lease_id)
  return 1
end
redis.call('HSET', KEYS[6], lease_id, held)
redis.call('ZADD', KEYS[5], string.format('%.0f', now + slot_lease), lease_id)
local ttl = math.ceil(slot_lease / 1000) + 1000
redis.call('PEXPIRE', KEYS[5], ttl)
redis.call('PEXPIRE', KEYS[6], ttl)
return 1
