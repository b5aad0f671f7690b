package io.tollgate.gateway.limit;

import io.tollgate.gateway.outcome.Reason;
import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.config.LimitSpec;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every limiter promises, run against the in-process one and against Redis alike. Time is
 * a fake clock the test moves, so the contract is deterministic.
 */
abstract class LimiterContract {

  /** Wall-clock milliseconds of the fake clock (a date well inside a budget period). */
  protected final AtomicLong nowMillis = new AtomicLong(1_795_000_000_000L);

  protected abstract Limiter limiter();

  protected abstract Admission admit(AdmissionRequest request) throws Exception;

  protected abstract void settle(Reservation reservation, long tokens, long costMicros) throws Exception;

  protected void advanceMillis(long millis) {
    nowMillis.addAndGet(millis);
  }

  private Admission admitKey(String key, LimitSpec limits, long tokens) throws Exception {
    return admit(AdmissionRequest.ofKey(key, limits, tokens));
  }

  @Test
  void admitsExactlyTheRequestsPerMinuteThenRefusesWithRetryAfter() throws Exception {
    LimitSpec limits = new LimitSpec(10, 0, 0);
    for (int i = 0; i < 10; i++) {
      Admission admission = admitKey("k", limits, 5);
      assertTrue(admission.admitted(), "request " + i);
      assertEquals(9 - i, admission.headers().remainingRequests());
      settle(admission.reservation(), 5, 0);
    }
    Admission refused = admitKey("k", limits, 5);
    assertFalse(refused.admitted());
    assertEquals(Reason.RATE_LIMITED, refused.error().reason());
    assertEquals("rate_limit_exceeded", refused.error().code());
    assertTrue(refused.retryAfterMillis() > 5_900 && refused.retryAfterMillis() <= 6_001, "" + refused.retryAfterMillis());
    assertEquals(0, refused.headers().remainingRequests());
    advanceMillis(6_000);
    assertTrue(admitKey("k", limits, 5).admitted(), "one request refills every 6 s");
  }

  @Test
  void refillsContinuouslySoThereIsNoBurstAtAWindowEdge() throws Exception {
    LimitSpec limits = new LimitSpec(60, 0, 0);
    for (int i = 0; i < 60; i++) {
      assertTrue(admitKey("k", limits, 0).admitted());
    }
    advanceMillis(1_000);
    assertTrue(admitKey("k", limits, 0).admitted());
    assertFalse(admitKey("k", limits, 0).admitted(), "a fixed window would allow 60 more here");
  }

  @Test
  void reservesTokensAndSettlingGivesBackTheUnusedPart() throws Exception {
    LimitSpec limits = new LimitSpec(0, 1000, 0);
    Admission first = admitKey("k", limits, 800);
    assertTrue(first.admitted());
    assertEquals(200, first.headers().remainingTokens());
    assertFalse(admitKey("k", limits, 300).admitted(), "only 200 left");
    settle(first.reservation(), 100, 0);
    assertTrue(admitKey("k", limits, 850).admitted(), "700 returned, so 900 free");
  }

  @Test
  void settlingTwiceChargesOnce() throws Exception {
    LimitSpec limits = new LimitSpec(0, 1000, 0);
    Admission admission = admitKey("k", limits, 500);
    settle(admission.reservation(), 100, 0);
    settle(admission.reservation(), 100, 0);
    assertTrue(admitKey("k", limits, 900).admitted(), "400 returned once");
    assertFalse(admitKey("k", limits, 1).admitted(), "and not twice");
  }

  @Test
  void anOverrunIsCharged() throws Exception {
    LimitSpec limits = new LimitSpec(0, 1000, 0);
    Admission admission = admitKey("k", limits, 100);
    settle(admission.reservation(), 600, 0);
    assertFalse(admitKey("k", limits, 500).admitted(), "600 used, 400 left");
    assertTrue(admitKey("k", limits, 400).admitted());
  }

  @Test
  void aRequestLargerThanTheTokenLimitNeverFits() throws Exception {
    Admission refused = admitKey("k", new LimitSpec(0, 1000, 0), 1001);
    assertFalse(refused.admitted());
    assertEquals(-1, refused.retryAfterMillis());
    assertTrue(refused.error().message().contains("Request too large"));
  }

  @Test
  void limitsConcurrentStreamsAndFreesTheSlotOnSettle() throws Exception {
    LimitSpec limits = new LimitSpec(0, 0, 2);
    Admission a = admitKey("k", limits, 0);
    Admission b = admitKey("k", limits, 0);
    assertTrue(a.admitted() && b.admitted());
    Admission third = admitKey("k", limits, 0);
    assertFalse(third.admitted());
    assertTrue(third.error().message().contains("concurrent"));
    settle(a.reservation(), 0, 0);
    assertTrue(admitKey("k", limits, 0).admitted());
  }

  @Test
  void aRefusalOnTokensDoesNotSpendARequest() throws Exception {
    LimitSpec limits = new LimitSpec(2, 100, 0);
    assertTrue(admitKey("k", limits, 100).admitted());
    Admission refused = admitKey("k", limits, 50);
    assertFalse(refused.admitted());
    assertEquals(1, refused.headers().remainingRequests(), "the refused request took nothing");
  }

  @Test
  void keysAreIndependent() throws Exception {
    LimitSpec limits = new LimitSpec(1, 0, 0);
    assertTrue(admitKey("a", limits, 0).admitted());
    assertTrue(admitKey("b", limits, 0).admitted());
    assertFalse(admitKey("a", limits, 0).admitted());
  }

  @Test
  void anOrgLimitIsSharedByItsKeys() throws Exception {
    LimitSpec orgLimits = new LimitSpec(3, 0, 0);
    int admitted = 0;
    for (String key : new String[] {"a", "b", "c", "d", "a", "b"}) {
      Admission admission = admit(new AdmissionRequest(key, "acme", LimitSpec.UNLIMITED, orgLimits, 1, 0, null, null));
      if (admission.admitted()) {
        admitted++;
      } else {
        assertTrue(admission.error().message().contains("organization"), admission.error().message());
      }
    }
    assertEquals(3, admitted);
    assertTrue(admit(new AdmissionRequest("a", "other-org", LimitSpec.UNLIMITED, orgLimits, 1, 0, null, null)).admitted());
  }

  @Test
  void aBudgetRefusesTheWorstCaseThatDoesNotFitAndSettlesAtRealCost() throws Exception {
    BudgetSpec budget = new BudgetSpec(0.001, BudgetSpec.Period.DAY); // 1,000 micro-USD
    AdmissionRequest costly = new AdmissionRequest("k", "acme", LimitSpec.UNLIMITED, LimitSpec.UNLIMITED, 10, 600,
        budget, null);
    Admission first = admit(costly);
    assertTrue(first.admitted());
    Admission second = admit(costly);
    assertFalse(second.admitted(), "600 reserved + 600 > 1000");
    assertEquals(Reason.INSUFFICIENT_QUOTA, second.error().reason());
    assertEquals("insufficient_quota", second.error().code());
    // The refusal says where the budget stands: the key's, 600 of 1,000 spent, whole again at midnight UTC.
    assertEquals(new BudgetStatus("key", 1_000, 600, budget.periodEnd(java.time.Instant.ofEpochMilli(nowMillis.get()))),
        second.budget());
    assertEquals(400, second.budget().remainingMicros());
    assertEquals(budget.periodEnd(java.time.Instant.ofEpochMilli(nowMillis.get())).toEpochMilli() - nowMillis.get(),
        second.retryAfterMillis(), "worth retrying when the period starts again");
    settle(first.reservation(), 10, 100); // really cost 100
    assertTrue(admit(costly).admitted(), "100 spent + 600 fits");
    assertFalse(admit(costly).admitted(), "700 + 600 does not");
  }

  @Test
  void anOrgBudgetIsSharedByItsKeys() throws Exception {
    BudgetSpec budget = new BudgetSpec(0.001, BudgetSpec.Period.MONTH);
    AdmissionRequest a = new AdmissionRequest("a", "acme", LimitSpec.UNLIMITED, LimitSpec.UNLIMITED, 1, 400, null, budget);
    AdmissionRequest b = new AdmissionRequest("b", "acme", LimitSpec.UNLIMITED, LimitSpec.UNLIMITED, 1, 400, null, budget);
    assertTrue(admit(a).admitted());
    assertTrue(admit(b).admitted());
    Admission third = admit(a);
    assertFalse(third.admitted());
    assertTrue(third.error().message().contains("organization"));
    assertEquals("org", third.budget().owner());
    assertEquals(800, third.budget().spentMicros());
  }

  @Test
  void aNewBudgetPeriodStartsFromZero() throws Exception {
    BudgetSpec daily = new BudgetSpec(0.001, BudgetSpec.Period.DAY);
    AdmissionRequest request = new AdmissionRequest("k", "acme", LimitSpec.UNLIMITED, LimitSpec.UNLIMITED, 1, 800,
        daily, null);
    assertTrue(admit(request).admitted());
    assertFalse(admit(request).admitted());
    advanceMillis(86_400_000L);
    assertTrue(admit(request).admitted(), "tomorrow's budget");
  }
}
