package io.tollgate.gateway.config;

/**
 * Platform mode's Redis: shared limits, budgets and key records across gateway replicas.
 *
 * @param url          redis://host:port[/db]
 * @param timeoutMs    every Redis call fails after this, inside the async chain (never a hang)
 * @param failPolicy   what admission does while Redis is unreachable
 * @param replicas     gateway replicas sharing the limits; under fail-open each takes 1/replicas
 * @param keyPrefix    prefix of every Redis key and channel the gateway uses
 */
public record RedisSettings(String url, long timeoutMs, FailPolicy failPolicy, int replicas, String keyPrefix) {

  public static final long DEFAULT_TIMEOUT_MS = 50;
  public static final String DEFAULT_PREFIX = "tg";

  public RedisSettings withTimeoutMs(long newTimeoutMs) {
    return new RedisSettings(url, newTimeoutMs, failPolicy, replicas, keyPrefix);
  }

  public RedisSettings withFailPolicy(FailPolicy newPolicy) {
    return new RedisSettings(url, timeoutMs, newPolicy, replicas, keyPrefix);
  }

  /** Fail open to the in-process limiter (each replica its share), or fail closed with 503. */
  public enum FailPolicy {
    OPEN, CLOSED
  }
}
