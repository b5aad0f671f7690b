package io.tollgate.gateway.config;

import java.util.List;

/**
 * Where requests for one public model name go.
 *
 * @param name           the model name clients send
 * @param upstreamModel  the name the backends serve it under (often the same)
 * @param backendIds     the pool; the gateway picks the least loaded one
 * @param timeouts       connect, first-token and idle timeouts for this route
 * @param maxAttempts    1 + retries on another backend, before the first byte only
 * @param prices         USD per million prompt and completion tokens
 */
public record ModelRoute(
    String name,
    String upstreamModel,
    List<String> backendIds,
    RouteTimeouts timeouts,
    int maxAttempts,
    Prices prices) {

  public ModelRoute {
    backendIds = List.copyOf(backendIds);
  }

  /** Route timeouts in milliseconds. */
  public record RouteTimeouts(long connectMs, long firstTokenMs, long idleMs) {
    public static final RouteTimeouts DEFAULT = new RouteTimeouts(2_000, 120_000, 60_000);
  }

  /** Prices in USD per million tokens. */
  public record Prices(double promptPerMillion, double completionPerMillion) {
    public static final Prices FREE = new Prices(0, 0);

    public double cost(long promptTokens, long completionTokens) {
      return (promptTokens * promptPerMillion + completionTokens * completionPerMillion) / 1_000_000.0;
    }

    /** The cost in micro-USD, rounded up (budgets reserve the worst case). */
    public long costMicros(long promptTokens, long completionTokens) {
      return (long) Math.ceil(promptTokens * promptPerMillion + completionTokens * completionPerMillion);
    }
  }
}
