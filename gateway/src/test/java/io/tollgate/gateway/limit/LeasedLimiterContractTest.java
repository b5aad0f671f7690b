package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.vertx.core.Vertx;

/**
 * The limiter contract against the real Redis on localhost, through leases (ADR 15): a replica that
 * takes credit ahead must still admit and refuse exactly what the per-request limiter does.
 */
class LeasedLimiterContractTest extends RedisLimiterContractTest {

  @Override
  protected Limiter limiterOver(Vertx vertx, RedisLimiter exact, LocalRedis redis, RedisSettings settings) {
    return new LeasedLimiter(vertx, redis.client(), settings, exact, () -> nowMillis.get() * 1_000L,
        nowMillis::get);
  }
}
