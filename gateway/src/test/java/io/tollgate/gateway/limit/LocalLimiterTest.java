package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.LimitSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalLimiterTest extends LimiterContract {

  private final LocalLimiter limiter = new LocalLimiter(() -> nowMillis.get() * 1_000_000L, nowMillis::get, 1);

  @Override
  protected Limiter limiter() {
    return limiter;
  }

  @Override
  protected Admission admit(AdmissionRequest request) {
    return limiter.admitNow(request);
  }

  @Override
  protected void settle(Reservation reservation, long tokens, long costMicros) {
    limiter.settle(reservation, tokens, costMicros);
  }

  @Test
  void asAFallbackEachReplicaTakesItsShareOfEachLimit() {
    LocalLimiter share = new LocalLimiter(() -> nowMillis.get() * 1_000_000L, nowMillis::get, 3);
    LimitSpec limits = new LimitSpec(30, 0, 0);
    int admitted = 0;
    for (int i = 0; i < 30; i++) {
      if (share.admitNow(AdmissionRequest.ofKey("k", limits, 0)).admitted()) {
        admitted++;
      }
    }
    assertEquals(10, admitted, "a third of 30 per minute");
  }

  @Test
  void openAiDurationFormat() {
    assertEquals("20ms", RateLimitHeaders.duration(20));
    assertEquals("2s", RateLimitHeaders.duration(1_500));
    assertEquals("6m0s", RateLimitHeaders.duration(360_000));
    assertEquals("1m30s", RateLimitHeaders.duration(90_000));
  }

  @Test
  void streamsAreCountedWhileOpen() {
    Admission a = limiter.admitNow(AdmissionRequest.ofKey("k", new LimitSpec(0, 0, 5), 0));
    assertTrue(a.admitted());
    assertEquals(1, limiter.openStreams("k"));
    limiter.settle(a.reservation(), 0, 0);
    assertEquals(0, limiter.openStreams("k"));
    assertFalse(a.reservation().isSettled() == false);
  }
}
