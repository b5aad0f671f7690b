package io.tollgate.loadtest.arrival;

import java.util.Random;

/**
 * When requests arrive, as vLLM's {@code bench serve} defines it: gaps drawn from a gamma distribution with
 * shape = burstiness and scale = 1 / (rate × burstiness). The mean gap is always 1 / rate; burstiness 1 is a
 * Poisson process, below 1 is burstier, above 1 is more regular. An infinite rate sends everything at t = 0.
 */
public final class ArrivalProcess {

  private final double requestsPerSecond;
  private final double burstiness;
  private final GammaSampler gamma;

  public ArrivalProcess(double requestsPerSecond, double burstiness, long seed) {
    if (!(requestsPerSecond > 0)) {
      throw new IllegalArgumentException("request rate must be > 0 (or infinite)");
    }
    if (!(burstiness > 0) || Double.isInfinite(burstiness)) {
      throw new IllegalArgumentException("burstiness must be a finite number > 0");
    }
    this.requestsPerSecond = requestsPerSecond;
    this.burstiness = burstiness;
    this.gamma = new GammaSampler(new Random(seed));
  }

  public boolean allAtOnce() {
    return Double.isInfinite(requestsPerSecond);
  }

  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  public double burstiness() {
    return burstiness;
  }

  /** Seconds until the next arrival; 0 when the rate is infinite. */
  public double nextGapSeconds() {
    if (allAtOnce()) {
      return 0;
    }
    double theta = 1.0 / (requestsPerSecond * burstiness);
    return gamma.sample(burstiness, theta);
  }

  public long nextGapNanos() {
    return (long) (nextGapSeconds() * 1e9);
  }
}
