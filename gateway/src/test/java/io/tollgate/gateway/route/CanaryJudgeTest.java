package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CanaryJudgeTest {

  private static final ModelRoute.Rollback BOUNDS = new ModelRoute.Rollback(10_000, 20, 0.05, 1.5, 50);

  private static CanaryJudge judge() {
    return new CanaryJudge("m", ModelRoute.Canary.ofBackends(List.of("c"), 10).withRollback(BOUNDS));
  }

  @Test
  void notJudgedBeforeMinRequests() {
    CanaryJudge judge = judge();
    for (int i = 0; i < 19; i++) {
      judge.record(true, true, Double.NaN, 1_000);
    }
    assertNull(judge.judge(1_000));
    assertEquals(10, judge.weight());
  }

  @Test
  void anErrorRateAboveTheStableSidesPlusTheBoundRollsBack() {
    CanaryJudge judge = judge();
    for (int i = 0; i < 100; i++) {
      judge.record(false, i % 10 == 0, 100, 1_000); // stable: 10 %
    }
    for (int i = 0; i < 20; i++) {
      judge.record(true, i % 10 < 3, 100, 1_000); // canary: 30 %
    }
    CanaryJudge.Decision decision = judge.judge(1_000);
    assertNotNull(decision);
    assertTrue(decision.reason().contains("error rate 0.300 vs stable 0.100"), decision.reason());
    assertEquals(0, judge.weight());
    assertNull(judge.judge(1_000), "decided once");
  }

  @Test
  void anErrorRateWithinTheBoundIsKept() {
    CanaryJudge judge = judge();
    for (int i = 0; i < 100; i++) {
      judge.record(false, i % 10 == 0, 100, 1_000);
    }
    for (int i = 0; i < 50; i++) {
      judge.record(true, i % 8 == 0, 100, 1_000); // 14 % vs 10 %
    }
    assertNull(judge.judge(1_000));
  }

  @Test
  void aSlowFirstTokenRollsBack() {
    CanaryJudge judge = judge();
    for (int i = 0; i < 40; i++) {
      judge.record(false, false, 80 + i, 1_000);
      judge.record(true, false, 200 + i, 1_000);
    }
    CanaryJudge.Decision decision = judge.judge(1_000);
    assertNotNull(decision);
    assertTrue(decision.reason().startsWith("p95 TTFT"), decision.reason());
    assertTrue(decision.canary().ttftP95Millis() >= 230 && decision.stable().ttftP95Millis() < 140,
        decision.toString());
  }

  @Test
  void millisecondsOfTtftNoiseAreNoReason() {
    CanaryJudge judge = judge();
    for (int i = 0; i < 40; i++) {
      judge.record(false, false, 2, 1_000);
      judge.record(true, false, 9, 1_000); // 4.5× but 7 ms
    }
    assertNull(judge.judge(1_000));
  }

  @Test
  void oldOutcomesLeaveTheWindow() {
    CanaryJudge judge = judge();
    for (int i = 0; i < 30; i++) {
      judge.record(true, true, Double.NaN, 1_000);
    }
    assertEquals(30, judge.canaryStats(1_000).requests());
    assertEquals(0, judge.canaryStats(12_000).requests());
    assertNull(judge.judge(12_000));
  }

  @Test
  void ttftBinsBoundTheirValues() {
    for (double ms : new double[] {0.5, 1, 1.5, 7, 100, 999, 12_345}) {
      double upper = CanaryJudge.upperBound(CanaryJudge.bin(ms));
      assertTrue(upper >= ms && upper <= Math.max(1, ms) * 1.19, ms + " → " + upper);
    }
  }
}
