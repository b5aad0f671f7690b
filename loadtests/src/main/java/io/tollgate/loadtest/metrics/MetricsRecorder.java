package io.tollgate.loadtest.metrics;

import io.tollgate.loadtest.client.RequestOutcome;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns request outcomes of one target into vLLM's figures, as {@code calculate_metrics} in vLLM's
 * {@code benchmark_serving.py} does: only completed requests count toward TTFT, TPOT, ITL, E2EL and tokens;
 * TPOT = (E2EL − TTFT) / (output_len − 1) and exists only for output_len > 1. Every outcome goes straight
 * into histograms: nothing per request is kept.
 */
public final class MetricsRecorder {

  private final String label;
  private final String baseUrl;
  private final GoodputSlo slo;
  private final long startNanos;
  private final Timeline timeline;
  private final LatencyStats ttft = new LatencyStats();
  private final LatencyStats tpot = new LatencyStats();
  private final LatencyStats itl = new LatencyStats();
  private final LatencyStats e2el = new LatencyStats();
  private final Map<String, Long> failures = new LinkedHashMap<>();
  private final Map<String, String> failureExamples = new LinkedHashMap<>();
  private long sent;
  private long completed;
  private long failed;
  private long aborted;
  private long inputTokens;
  private long outputTokens;
  private long good;
  private long estimatedLengths;
  private int inFlight;
  private int peakConcurrency;
  private long lastEndNanos;

  public MetricsRecorder(String label, String baseUrl, GoodputSlo slo, long startNanos) {
    this.label = label;
    this.baseUrl = baseUrl;
    this.slo = slo;
    this.startNanos = startNanos;
    this.lastEndNanos = startNanos;
    this.timeline = new Timeline(startNanos);
  }

  /** A request was handed to the HTTP client. */
  public void sent(long nanos) {
    sent++;
    inFlight++;
    peakConcurrency = Math.max(peakConcurrency, inFlight);
    timeline.inFlight(nanos, inFlight);
  }

  public void record(RequestOutcome outcome) {
    inFlight = Math.max(0, inFlight - 1);
    lastEndNanos = Math.max(lastEndNanos, outcome.endNanos());
    timeline.inFlight(outcome.endNanos(), inFlight);
    if (outcome.aborted()) {
      aborted++;
      return;
    }
    if (outcome.failure() != null) {
      failed++;
      failures.merge(outcome.failure().kind(), 1L, Long::sum);
      failureExamples.putIfAbsent(outcome.failure().kind(), outcome.failure().detail());
      timeline.failed(outcome.endNanos());
      return;
    }
    completed++;
    int outputLen = outcome.outputTokens();
    if (!outcome.outputFromUsage()) {
      estimatedLengths++;
    }
    inputTokens += Math.max(0, outcome.promptTokens());
    outputTokens += Math.max(0, outputLen);
    ttft.recordNanos(outcome.ttftNanos());
    e2el.recordNanos(outcome.latencyNanos());
    double tpotNanos = 0; // vLLM: "if output_len <= 1, we regard tpot as 0 for goodput"
    if (outputLen > 1) {
      tpotNanos = (outcome.latencyNanos() - outcome.ttftNanos()) / (double) (outputLen - 1);
      tpot.recordNanos(Math.round(tpotNanos));
    }
    long[] gaps = outcome.itlMicros();
    for (int i = 0; i < outcome.itlCount(); i++) {
      itl.recordMicros(gaps[i]);
    }
    if (slo.isSet() && slo.isGood(outcome.ttftNanos() / 1e6, tpotNanos / 1e6, outcome.latencyNanos() / 1e6)) {
      good++;
    }
    timeline.completed(outcome.endNanos());
    timeline.streamed(outcome.sendNanos() + outcome.ttftNanos(), gaps, outcome.itlCount(), Math.max(0, outputLen));
  }

  public int inFlight() {
    return inFlight;
  }

  public long done() {
    return completed + failed + aborted;
  }

  public long completed() {
    return completed;
  }

  public long failed() {
    return failed;
  }

  /** Current median TTFT in ms (for the progress line), NaN before the first completion. */
  public double ttftMedianMillis() {
    return ttft.count() == 0 ? Double.NaN : ttft.percentileMicros(50) / 1000;
  }

  public String label() {
    return label;
  }

  /** The figures; duration runs from the phase start to the last request's end. */
  public TargetResult result() {
    double seconds = Math.max(1e-9, (lastEndNanos - startNanos) / 1e9);
    double goodput = slo.isSet() ? good / seconds : Double.NaN;
    return new TargetResult(label, baseUrl, seconds, sent, completed, failed, aborted, inputTokens, outputTokens,
        completed / seconds, outputTokens / seconds, (inputTokens + outputTokens) / seconds, goodput, good,
        peakConcurrency, estimatedLengths, failures, failureExamples, ttft.summaryMillis(), tpot.summaryMillis(),
        itl.summaryMillis(), e2el.summaryMillis(), ttft.cdfMillis(200), TimelinePoint.fromJson(timeline.toJson()),
        Map.of("ttft", ttft.encodedHistogram(), "tpot", tpot.encodedHistogram(), "itl", itl.encodedHistogram(),
            "e2el", e2el.encodedHistogram()));
  }
}
