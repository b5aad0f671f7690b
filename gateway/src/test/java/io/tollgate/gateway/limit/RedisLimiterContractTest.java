package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The limiter contract against the real Redis on localhost. */
class RedisLimiterContractTest extends LimiterContract {

  private GuardedVertx guarded;
  private LocalRedis redis;
  private Limiter limiter;

  @BeforeEach
  void connect() {
    guarded = GuardedVertx.create();
    redis = LocalRedis.connect(guarded.vertx());
    RedisSettings settings = redis.settings(RedisSettings.FailPolicy.CLOSED, 1);
    RedisLimiter exact = new RedisLimiter(guarded.vertx(), redis.client(), settings,
        new LocalLimiter(() -> nowMillis.get() * 1_000_000L, nowMillis::get, 1),
        () -> nowMillis.get() * 1_000L, nowMillis::get);
    limiter = limiterOver(guarded.vertx(), exact, redis, settings);
  }

  /** The limiter under test, deciding in Redis through {@code exact}: here, {@code exact} itself. */
  protected Limiter limiterOver(Vertx vertx, RedisLimiter exact, LocalRedis redis, RedisSettings settings) {
    return exact;
  }

  @AfterEach
  void close() throws Exception {
    try {
      if (limiter instanceof LeasedLimiter leased) {
        redis.onContext(leased::close);
      }
      redis.cleanUp();
    } finally {
      guarded.closeAndAssert();
    }
  }

  @Override
  protected Limiter limiter() {
    return limiter;
  }

  @Override
  protected Admission admit(AdmissionRequest request) throws Exception {
    Admission admission = redis.onContext(() -> limiter.admit(request));
    if (admission.error() != null && "limiter_unavailable".equals(admission.error().code())) {
      throw new AssertionError("the Redis limiter failed closed: Redis did not answer");
    }
    return admission;
  }

  @Override
  protected void settle(Reservation reservation, long tokens, long costMicros) throws Exception {
    redis.onContext(() -> limiter.settle(reservation, tokens, costMicros));
  }
}
