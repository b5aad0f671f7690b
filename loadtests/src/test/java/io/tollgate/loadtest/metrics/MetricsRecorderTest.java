package io.tollgate.loadtest.metrics;

import io.tollgate.loadtest.client.Failure;
import io.tollgate.loadtest.client.RequestOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * vLLM's calculate_metrics on a hand-computed example. Four requests, phase starting at t = 0 (ms):
 * <pre>
 *   r1: choice chunks at 100, 110, 130; usage says 3 tokens; ends 135
 *       TTFT 100, ITL 10 and 20, E2EL 130, TPOT (130 − 100) / (3 − 1) = 15
 *   r2: one choice chunk at 200; 1 token; ends 205 → TTFT 200, E2EL 200, no TPOT (output length 1)
 *   r3: HTTP 503 at 300 → failed, counts nowhere else
 *   r4: chunks at 50, 60, 70, 80; 4 tokens; ends 1000 → TTFT 50, ITL 10 10 10, E2EL 80, TPOT 30 / 3 = 10
 * </pre>
 * Duration 1.0 s (last end). Prompt tokens 10 each.
 */
class MetricsRecorderTest {

  private static final long MS = 1_000_000;

  static RequestOutcome ok(long ttftMs, long[] itlMs, int outputTokens, long endMs) {
    long[] micros = new long[itlMs.length];
    long latency = ttftMs;
    for (int i = 0; i < itlMs.length; i++) {
      micros[i] = itlMs[i] * 1000;
      latency += itlMs[i];
    }
    return new RequestOutcome(0, 0, endMs * MS, ttftMs * MS, latency * MS, micros, micros.length, outputTokens, true,
        10, false, null);
  }

  static List<RequestOutcome> example() {
    return List.of(
        ok(100, new long[] {10, 20}, 3, 135),
        ok(200, new long[] {}, 1, 205),
        new RequestOutcome(0, 0, 300 * MS, -1, -1, new long[0], 0, 0, false, 10, false,
            Failure.httpStatus(503, "overloaded")),
        ok(50, new long[] {10, 10, 10}, 4, 1000));
  }

  static TargetResult run(GoodputSlo slo) {
    MetricsRecorder recorder = new MetricsRecorder("A", "http://x", slo, 0);
    for (RequestOutcome o : example()) {
      recorder.sent(o.sendNanos());
    }
    example().forEach(recorder::record);
    return recorder.result();
  }

  private static void near(double expected, double actual, String what) {
    // HdrHistogram keeps 3 significant digits: percentiles are within 0.1%; means and std are exact.
    assertEquals(expected, actual, Math.abs(expected) * 0.001 + 1e-9, what);
  }

  @Test
  void countsAndThroughput() {
    TargetResult r = run(GoodputSlo.NONE);
    assertEquals(4, r.sent());
    assertEquals(3, r.completed());
    assertEquals(1, r.failed());
    assertEquals(1L, r.failures().get("http_503"));
    assertEquals("overloaded", r.failureExamples().get("http_503"));
    near(1.0, r.durationSeconds(), "duration");
    assertEquals(30, r.totalInputTokens(), "failed requests' prompts do not count");
    assertEquals(8, r.totalOutputTokens());
    near(3.0, r.requestThroughput(), "req/s");
    near(8.0, r.outputThroughput(), "tok/s");
    near(38.0, r.totalTokenThroughput(), "total tok/s");
    assertEquals(4, r.peakConcurrency());
    assertEquals(Double.NaN, r.goodput(), "no SLO, no goodput");
  }

  @Test
  void ttft() {
    Summary ttft = run(GoodputSlo.NONE).ttft();
    assertEquals(3, ttft.count());
    near(350.0 / 3, ttft.mean(), "mean of 100, 200, 50");
    near(100, ttft.median(), "median");
    near(Math.sqrt((Math.pow(100 - 350.0 / 3, 2) + Math.pow(200 - 350.0 / 3, 2) + Math.pow(50 - 350.0 / 3, 2)) / 3),
        ttft.std(), "population std, like numpy");
    near(100 + (200 - 100) * 0.8, ttft.p90(), "numpy p90: index 1.8 between 100 and 200");
    near(50, ttft.min(), "min");
    near(200, ttft.max(), "max");
  }

  @Test
  void tpotExcludesSingleTokenOutputs() {
    Summary tpot = run(GoodputSlo.NONE).tpot();
    assertEquals(2, tpot.count(), "r2 has one output token: no TPOT");
    near(12.5, tpot.mean(), "mean of 15 and 10");
    near(12.5, tpot.median(), "numpy median of two values interpolates");
  }

  @Test
  void itlIsEveryGapOfEveryCompletedRequest() {
    Summary itl = run(GoodputSlo.NONE).itl();
    assertEquals(5, itl.count());
    near(12, itl.mean(), "mean of 10 20 10 10 10");
    near(10, itl.median(), "median");
    near(16, itl.p90(), "numpy p90: index 3.6 between 10 and 20");
    near(20, itl.max(), "max");
  }

  @Test
  void e2el() {
    Summary e2el = run(GoodputSlo.NONE).e2el();
    near((130 + 200 + 80) / 3.0, e2el.mean(), "mean");
    near(130, e2el.median(), "median");
  }

  @Test
  void goodputNeedsEverySlo() {
    // ttft ≤ 150 and tpot ≤ 12: r1 (tpot 15) fails, r2 (ttft 200) fails, r4 passes → 1 good in 1 s.
    TargetResult r = run(GoodputSlo.parse(List.of("ttft:150", "tpot:12")));
    assertEquals(1, r.goodRequests());
    near(1.0, r.goodput(), "goodput");
  }

  @Test
  void goodputCountsTpotAsZeroForOneTokenOutputs() {
    // tpot ≤ 1 ms: only r2, whose single token gives it no TPOT (vLLM counts 0).
    assertEquals(1, run(GoodputSlo.parse(List.of("tpot:1"))).goodRequests());
  }

  @Test
  void goodputSloBoundIsInclusive() {
    // e2el ≤ 130: r1 (exactly 130) and r4 (80) are good, r2 (200) is not.
    assertEquals(2, run(GoodputSlo.parse(List.of("e2el:130"))).goodRequests());
  }

  @Test
  void abortedRequestsAreNeitherCompletedNorFailed() {
    MetricsRecorder recorder = new MetricsRecorder("A", "http://x", GoodputSlo.NONE, 0);
    recorder.sent(0);
    recorder.record(new RequestOutcome(0, 0, 50 * MS, 10 * MS, 40 * MS, new long[] {30_000}, 1, 2, false, 10, true,
        null));
    TargetResult r = recorder.result();
    assertEquals(1, r.aborted());
    assertEquals(0, r.completed());
    assertEquals(0, r.failed());
    assertEquals(0, r.ttft().count());
  }

  @Test
  void timelineCreditsCompletionsToTheirSecond() {
    List<TimelinePoint> timeline = run(GoodputSlo.NONE).timeline();
    assertEquals(2, timeline.size());
    assertEquals(2, timeline.get(0).completed(), "r1 and r2 end in second 0");
    assertEquals(1, timeline.get(0).failed());
    assertEquals(8, timeline.get(0).outputTokens(), "every token chunk arrived before 0.3 s, r4's too");
    assertEquals(1, timeline.get(1).completed(), "r4 ends at exactly 1.0 s");
    assertEquals(0, timeline.get(1).outputTokens());
  }
}
