package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.LimitSpec;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LocalLimiter limiter = new LocalLimiter(now::get);

  @Test
  void admitsExactlyTheRequestsPerMinuteThenRefusesWithRetryAfter() {
    LimitSpec limits = new LimitSpec(10, 0, 0);
    for (int i = 0; i < 10; i++) {
      Admission admission = limiter.admitNow("k", limits, 5);
      assertTrue(admission.admitted(), "request " + i);
      limiter.settle(admission.reservation(), 5);
    }
    Admission refused = limiter.admitNow("k", limits, 5);
    assertFalse(refused.admitted());
    assertEquals(429, refused.error().status());
    // One request refills every 6 s.
    assertTrue(refused.retryAfterMillis() > 5_900 && refused.retryAfterMillis() <= 6_001, "" + refused.retryAfterMillis());
    assertEquals(0, refused.headers().remainingRequests());
    now.addAndGet(TimeUnit.SECONDS.toNanos(6));
    assertTrue(limiter.admitNow("k", limits, 5).admitted(), "refilled after 6 s");
  }

  @Test
  void refillsContinuouslySoThereIsNoBurstAtAWindowEdge() {
    LimitSpec limits = new LimitSpec(60, 0, 0);
    for (int i = 0; i < 60; i++) {
      assertTrue(limiter.admitNow("k", limits, 0).admitted());
    }
    // A fixed window would allow another 60 at the next minute's edge; a bucket allows 1/s.
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertTrue(limiter.admitNow("k", limits, 0).admitted());
    assertFalse(limiter.admitNow("k", limits, 0).admitted());
  }

  @Test
  void reservesTokensAndSettlingGivesBackTheUnusedPart() {
    LimitSpec limits = new LimitSpec(0, 1000, 0);
    Admission first = limiter.admitNow("k", limits, 800);
    assertTrue(first.admitted());
    assertEquals(200, first.headers().remainingTokens());
    assertFalse(limiter.admitNow("k", limits, 300).admitted(), "only 200 left");
    limiter.settle(first.reservation(), 100); // used 100 of 800
    Admission second = limiter.admitNow("k", limits, 850);
    assertTrue(second.admitted(), "700 returned, so 900 free");
  }

  @Test
  void settlingTwiceChargesOnce() {
    LimitSpec limits = new LimitSpec(0, 1000, 0);
    Admission admission = limiter.admitNow("k", limits, 500);
    limiter.settle(admission.reservation(), 100);
    limiter.settle(admission.reservation(), 100);
    assertEquals(900, limiter.admitNow("other", limits, 100).headers().remainingTokens());
    assertTrue(limiter.admitNow("k", limits, 900).admitted(), "400 returned once, not twice (would be 1300)");
    assertFalse(limiter.admitNow("k", limits, 1).admitted());
  }

  @Test
  void anOverrunIsCharged() {
    LimitSpec limits = new LimitSpec(0, 1000, 0);
    Admission admission = limiter.admitNow("k", limits, 100);
    limiter.settle(admission.reservation(), 600);
    assertFalse(limiter.admitNow("k", limits, 500).admitted(), "600 used, 400 left");
    assertTrue(limiter.admitNow("k", limits, 400).admitted());
  }

  @Test
  void aRequestLargerThanTheTokenLimitIsRefusedAsNeverFitting() {
    Admission refused = limiter.admitNow("k", new LimitSpec(0, 1000, 0), 1001);
    assertFalse(refused.admitted());
    assertEquals(-1, refused.retryAfterMillis());
    assertTrue(refused.error().message().contains("Request too large"));
  }

  @Test
  void limitsConcurrentStreamsAndFreesTheSlotOnSettle() {
    LimitSpec limits = new LimitSpec(0, 0, 2);
    Admission a = limiter.admitNow("k", limits, 0);
    Admission b = limiter.admitNow("k", limits, 0);
    assertTrue(a.admitted() && b.admitted());
    assertFalse(limiter.admitNow("k", limits, 0).admitted());
    limiter.settle(a.reservation(), 0);
    assertTrue(limiter.admitNow("k", limits, 0).admitted());
    assertEquals(2, limiter.openStreams("k"));
  }

  @Test
  void aRefusalOnTokensDoesNotSpendARequest() {
    LimitSpec limits = new LimitSpec(2, 100, 0);
    assertTrue(limiter.admitNow("k", limits, 100).admitted());
    Admission refused = limiter.admitNow("k", limits, 50);
    assertFalse(refused.admitted());
    assertEquals(1, refused.headers().remainingRequests(), "the refused request gave its request slot back");
  }

  @Test
  void keysAreIndependent() {
    LimitSpec limits = new LimitSpec(1, 0, 0);
    assertTrue(limiter.admitNow("a", limits, 0).admitted());
    assertTrue(limiter.admitNow("b", limits, 0).admitted());
    assertFalse(limiter.admitNow("a", limits, 0).admitted());
  }

  @Test
  void openAiDurationFormat() {
    assertEquals("20ms", RateLimitHeaders.duration(20));
    assertEquals("2s", RateLimitHeaders.duration(1_500));
    assertEquals("6m0s", RateLimitHeaders.duration(360_000));
    assertEquals("1m30s", RateLimitHeaders.duration(90_000));
  }
}
