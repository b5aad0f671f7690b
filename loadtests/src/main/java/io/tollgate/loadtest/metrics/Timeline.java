package io.tollgate.loadtest.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * Per-second counts since a phase started, for the "throughput over time" plot: requests completed and
 * failed, output tokens (credited to the seconds their chunks arrived in) and the most streams in flight. A
 * handful of counters per second, not per-request samples.
 */
public final class Timeline {

  private final long startNanos;
  private int seconds;
  private int[] completed = new int[64];
  private int[] failed = new int[64];
  private double[] outputTokens = new double[64];
  private int[] peakInFlight = new int[64];
  private int[] lastInFlight = new int[64];
  private boolean[] inFlightSeen = new boolean[64];

  public Timeline(long startNanos) {
    this.startNanos = startNanos;
  }

  private int bucket(long nanos) {
    int second = (int) Math.max(0, (nanos - startNanos) / 1_000_000_000L);
    if (second >= completed.length) {
      int size = Math.max(second + 1, completed.length * 2);
      completed = Arrays.copyOf(completed, size);
      failed = Arrays.copyOf(failed, size);
      outputTokens = Arrays.copyOf(outputTokens, size);
      peakInFlight = Arrays.copyOf(peakInFlight, size);
      lastInFlight = Arrays.copyOf(lastInFlight, size);
      inFlightSeen = Arrays.copyOf(inFlightSeen, size);
    }
    seconds = Math.max(seconds, second + 1);
    return second;
  }

  public void completed(long nanos) {
    completed[bucket(nanos)]++;
  }

  /**
   * Spreads a completed request's output tokens over the seconds its chunks arrived in (first chunk at
   * {@code firstChunkNanos}, then one per inter-token gap), so the plot shows tokens as they streamed.
   */
  public void streamed(long firstChunkNanos, long[] itlMicros, int itlCount, int tokens) {
    double perChunk = tokens / (double) (itlCount + 1);
    long t = firstChunkNanos;
    outputTokens[bucket(t)] += perChunk;
    for (int i = 0; i < itlCount; i++) {
      t += itlMicros[i] * 1000;
      outputTokens[bucket(t)] += perChunk;
    }
  }

  public void failed(long nanos) {
    failed[bucket(nanos)]++;
  }

  public void inFlight(long nanos, int streams) {
    int b = bucket(nanos);
    peakInFlight[b] = inFlightSeen[b] ? Math.max(peakInFlight[b], streams) : streams;
    lastInFlight[b] = streams;
    inFlightSeen[b] = true;
  }

  public int seconds() {
    return seconds;
  }

  /** A second in which nothing started or ended had as many streams in flight as the end of the one before. */
  public JsonArray toJson() {
    JsonArray array = new JsonArray();
    int carried = 0;
    for (int i = 0; i < seconds; i++) {
      int inFlight = inFlightSeen[i] ? Math.max(peakInFlight[i], carried) : carried;
      if (inFlightSeen[i]) {
        carried = lastInFlight[i];
      }
      array.add(new JsonObject().put("t", i).put("completed", completed[i]).put("failed", failed[i])
          .put("outputTokens", Math.round(outputTokens[i])).put("inFlight", inFlight));
    }
    return array;
  }
}
