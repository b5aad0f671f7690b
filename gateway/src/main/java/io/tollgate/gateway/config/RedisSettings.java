package io.tollgate.gateway.config;

/**
 * Platform mode's Redis: shared limits, budgets and key records across gateway replicas.
 *
 * @param url          redis://host:port[/db]
 * @param timeoutMs    every Redis call fails after this, inside the async chain (never a hang)
 * @param failPolicy   what admission does while Redis is unreachable
 * @param replicas     gateway replicas sharing the limits; under fail-open each takes 1/replicas
 * @param keyPrefix    prefix of every Redis key and channel the gateway uses
 * @param keyMaxStaleMs while Redis cannot answer (down, or emptied and not yet re-seeded by the
 *                     control plane), a key looked up successfully within this long is still
 *                     served from the gateway's cache; 0 = never (503 key_store_unavailable)
 * @param leaseWindowMs a replica leases a key's limits for about this long of its spending at a time
 *                     (ADR 15); 0 = no leases, two Redis calls per request
 */
public record RedisSettings(String url, long timeoutMs, FailPolicy failPolicy, int replicas, String keyPrefix,
                            long keyMaxStaleMs, long leaseWindowMs) {

  public static final long DEFAULT_TIMEOUT_MS = 50;
  public static final String DEFAULT_PREFIX = "tg";
  public static final long DEFAULT_KEY_MAX_STALE_MS = 300_000;
  public static final long DEFAULT_LEASE_WINDOW_MS = 250;

  public RedisSettings(String url, long timeoutMs, FailPolicy failPolicy, int replicas, String keyPrefix) {
    this(url, timeoutMs, failPolicy, replicas, keyPrefix, DEFAULT_KEY_MAX_STALE_MS);
  }

  public RedisSettings(String url, long timeoutMs, FailPolicy failPolicy, int replicas, String keyPrefix,
                       long keyMaxStaleMs) {
    this(url, timeoutMs, failPolicy, replicas, keyPrefix, keyMaxStaleMs, DEFAULT_LEASE_WINDOW_MS);
  }

  public RedisSettings withTimeoutMs(long newTimeoutMs) {
    return new RedisSettings(url, newTimeoutMs, failPolicy, replicas, keyPrefix, keyMaxStaleMs, leaseWindowMs);
  }

  public RedisSettings withFailPolicy(FailPolicy newPolicy) {
    return new RedisSettings(url, timeoutMs, newPolicy, replicas, keyPrefix, keyMaxStaleMs, leaseWindowMs);
  }

  public RedisSettings withKeyMaxStaleMs(long newKeyMaxStaleMs) {
    return new RedisSettings(url, timeoutMs, failPolicy, replicas, keyPrefix, newKeyMaxStaleMs, leaseWindowMs);
  }

  public RedisSettings withLeaseWindowMs(long newLeaseWindowMs) {
    return new RedisSettings(url, timeoutMs, failPolicy, replicas, keyPrefix, keyMaxStaleMs, newLeaseWindowMs);
  }

  /** Fail open to the in-process limiter (each replica its share), or fail closed with 503. */
  public enum FailPolicy {
    OPEN, CLOSED
  }
}
