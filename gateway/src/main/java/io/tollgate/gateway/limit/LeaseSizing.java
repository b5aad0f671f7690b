package io.tollgate.gateway.limit;

/**
 * How much extra credit a lease asks of Redis beyond what the request at hand needs: what the key
 * spent over the last {@code windowMicros} at its recent rate, never more than a small share of the
 * limit. A key far below that share (a 10 RPM key) asks Redis per request, exactly as before; a key
 * spending thousands a minute asks a few times a second. The share caps what a replica can hold
 * unused (and so refuse elsewhere, or lose if it dies): with {@code replicas} replicas each holding
 * at most 1/(SHARE_DIVISOR × replicas) of a limit, at least 95 % of it stays admittable.
 *
 * @param windowMicros the span of spending one lease covers
 * @param replicas     gateway replicas sharing the limits
 */
record LeaseSizing(long windowMicros, int replicas) {

  static final int SHARE_DIVISOR = 20;

  /** The most one replica may hold unused of a limit (0: ask per request). */
  long cap(long limit) {
    return limit <= 0 ? 0 : limit / ((long) SHARE_DIVISOR * Math.max(1, replicas));
  }

  /**
   * Extra units to ask for: the units spent since the last lease call, scaled to the window, capped.
   * With no time elapsed on the clock yet units spent (a burst), the cap; with nothing spent, none.
   */
  long extra(long limit, long spentSinceLastCall, long elapsedMicros) {
    long cap = cap(limit);
    if (cap == 0 || spentSinceLastCall <= 0) {
      return 0;
    }
    if (elapsedMicros <= 0) {
      return cap;
    }
    double perWindow = (double) spentSinceLastCall * windowMicros / elapsedMicros;
    return Math.min(cap, (long) Math.ceil(perWindow));
  }

  /**
   * Extra tokens, in whole requests of the key's recent average size: credit smaller than a request
   * serves none and only keeps the tokens from other replicas.
   */
  long extraTokens(long limit, long tokensSpent, long requestsSpent, long elapsedMicros) {
    long extra = extra(limit, tokensSpent, elapsedMicros);
    if (extra == 0 || requestsSpent <= 0) {
      return 0;
    }
    long perRequest = Math.max(1, (tokensSpent + requestsSpent - 1) / requestsSpent);
    return extra / perRequest * perRequest;
  }

  /** Spare stream slots to hold beyond those in use: a quarter of the in-use ones, at least one, capped. */
  long extraSlots(long maxStreams, long inUse) {
    long cap = cap(maxStreams);
    return cap == 0 ? 0 : Math.min(cap, Math.max(1, inUse / 4));
  }

  /** The extra to ask of each of a lease's buckets (key requests, key tokens, org requests, org tokens, slots). */
  long[] extras(KeyLease lease, long nowMicros) {
    long elapsed = nowMicros - lease.lastCallMicros;
    return new long[] {
        extra(lease.keyLimits.requestsPerMinute(), lease.requestsSpent, elapsed),
        extraTokens(lease.keyLimits.tokensPerMinute(), lease.tokensSpent, lease.requestsSpent, elapsed),
        extra(lease.orgLimits.requestsPerMinute(), lease.requestsSpent, elapsed),
        extraTokens(lease.orgLimits.tokensPerMinute(), lease.tokensSpent, lease.requestsSpent, elapsed),
        lease.requestsSpent == 0 ? 0 : extraSlots(lease.keyLimits.maxConcurrentStreams(), lease.slotsInUse)};
  }
}
