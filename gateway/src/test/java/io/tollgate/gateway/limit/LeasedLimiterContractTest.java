package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.RedisSettings;
import io.tollgate.gateway.testsupport.LocalRedis;
import io.tollgate.testsupport.GuardedVertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The limiter contract against the real Redis on localhost, through leases (ADR 15): a replica that
 * takes credit ahead must still admit and refuse exactly what the per-request limiter does.
 */
class LeasedLimiterContractTest extends LimiterContract {

  private GuardedVertx guarded;
  private LocalRedis redis;
  private LeasedLimiter limiter;

  @BeforeEach
  void connect() {
    guarded = GuardedVertx.create();
    redis = LocalRedis.connect(guarded.vertx());
    RedisSettings settings = redis.settings(RedisSettings.FailPolicy.CLOSED, 1);
    RedisLimiter exact = new RedisLimiter(guarded.vertx(), redis.client(), settings,
        new LocalLimiter(() -> nowMillis.get() * 1_000_000L, nowMillis::get, 1),
        () -> nowMillis.get() * 1_000L, nowMillis::get);
    limiter = new LeasedLimiter(guarded.vertx(), redis.client(), settings, exact, () -> nowMillis.get() * 1_000L,
        nowMillis::get);
  }

  @AfterEach
  void close() throws Exception {
    try {
      redis.onContext(limiter::close);
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
