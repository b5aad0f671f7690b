package io.tollgate.gpu.signals;

/**
 * When passive outlier ejection takes a backend out, and for how long.
 *
 * @param consecutiveFailures failures in a row (connect errors, 5xx, timeouts, broken streams)
 *                            that eject a backend
 * @param baseMillis          first ejection period; it doubles with each ejection in a row
 * @param maxMillis           cap of the period; also how long a probe may stay unanswered before
 *                            another is allowed
 */
public record EjectionPolicy(int consecutiveFailures, long baseMillis, long maxMillis) {

  public static final EjectionPolicy DEFAULT = new EjectionPolicy(5, 2_000, 60_000);

  public EjectionPolicy {
    if (consecutiveFailures < 1 || baseMillis < 1 || maxMillis < baseMillis) {
      throw new IllegalArgumentException("bad ejection policy: " + consecutiveFailures + ", " + baseMillis
          + ", " + maxMillis);
    }
  }

  /** The period of the {@code streak}-th ejection in a row (1 = first): base × 2^(streak-1), capped. */
  public long periodMillis(int streak) {
    int shift = Math.min(Math.max(streak - 1, 0), 30);
    long period = baseMillis << shift;
    return period <= 0 || period > maxMillis ? maxMillis : period;
  }
}
