package io.tollgate.gateway.config;

/**
 * Limits of one key. Zero means "no limit" for that dimension.
 *
 * @param requestsPerMinute     RPM, a token bucket refilling continuously (no window edges)
 * @param tokensPerMinute       TPM, prompt estimate + max_tokens reserved, settled with real usage
 * @param maxConcurrentStreams  requests in flight at once
 */
public record LimitSpec(long requestsPerMinute, long tokensPerMinute, int maxConcurrentStreams) {
  public static final LimitSpec UNLIMITED = new LimitSpec(0, 0, 0);

  /** Whether any dimension is limited. */
  public boolean limitsAnything() {
    return requestsPerMinute > 0 || tokensPerMinute > 0 || maxConcurrentStreams > 0;
  }
}
