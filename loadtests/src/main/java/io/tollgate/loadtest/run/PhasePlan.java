package io.tollgate.loadtest.run;

import io.tollgate.loadtest.client.ClientBehaviour;
import io.tollgate.loadtest.metrics.GoodputSlo;

import java.time.Duration;

/**
 * One stretch of load with fixed settings: a whole steady run, or one step of a ramp.
 *
 * @param name            shown in the progress line and the report, e.g. "steady" or "rate 8.0/s"
 * @param requestRate     arrivals per second per target; infinite = all at t = 0
 * @param burstiness      shape of the gamma-distributed gaps (1 = Poisson)
 * @param maxConcurrency  cap on streams in flight per target; 0 = none
 * @param numRequests     requests per target (a fixed-count run), or 0 for a fixed-duration run
 * @param duration        how long arrivals go on in a fixed-duration run; null for fixed-count
 * @param warmupRequests  requests per target sent (and awaited) before measuring; not counted
 * @param behaviour       how clients read (slow readers, timeout)
 * @param abortFraction   share of requests whose client cuts the stream mid-way (aborts scenario), 0..1
 * @param slo             goodput SLOs
 * @param seed            seeds arrivals and abort choices
 * @param firstSpecIndex  workload index of the phase's first request, so that ramp steps use fresh prompts
 */
public record PhasePlan(String name, double requestRate, double burstiness, int maxConcurrency, long numRequests,
    Duration duration, int warmupRequests, ClientBehaviour behaviour, double abortFraction, GoodputSlo slo,
    long seed, long firstSpecIndex) {

  public PhasePlan {
    if (numRequests <= 0 && (duration == null || duration.isZero() || duration.isNegative())) {
      throw new IllegalArgumentException("a phase needs a number of requests or a duration");
    }
    if (numRequests <= 0 && Double.isInfinite(requestRate) && maxConcurrency <= 0) {
      throw new IllegalArgumentException(
          "a fixed-duration run at an infinite request rate needs --max-concurrency (else it never stops sending)");
    }
    if (maxConcurrency < 0 || warmupRequests < 0) {
      throw new IllegalArgumentException("max concurrency and warm-up must be >= 0");
    }
    if (!(abortFraction >= 0 && abortFraction <= 1)) {
      throw new IllegalArgumentException("abort fraction must be in [0, 1]");
    }
  }

  public boolean fixedCount() {
    return numRequests > 0;
  }
}
