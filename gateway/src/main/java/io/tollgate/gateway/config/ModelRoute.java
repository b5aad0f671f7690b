package io.tollgate.gateway.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where requests for one public model name go, and how the backend is chosen.
 *
 * @param name           the model name clients send
 * @param upstreamModel  the name the backends serve it under (often the same)
 * @param backendIds     the pool (the stable side when there is a canary)
 * @param timeouts       connect, first-token, idle and total timeouts for this route
 * @param maxAttempts    1 + retries on another backend, before the first byte only
 * @param prices         USD per million prompt and completion tokens
 * @param strategy       how a backend of the pool is chosen
 * @param retryBudget    the share of requests that may be retried, so retries cannot multiply an outage
 * @param fallback       a model to serve the request when every backend of this one is ejected or
 *                       saturated (or failed before the first byte); null for none
 * @param canary         a weighted split to other backends or another model, rolled back
 *                       automatically when it does worse than the stable side; null for none
 * @param weights        backend id → capacity share in the pool (0–1000); a backend not named has
 *                       {@link #DEFAULT_WEIGHT}, and 0 drains it (no new requests). Only ids of
 *                       {@code backendIds} are kept.
 */
public record ModelRoute(
    String name,
    String upstreamModel,
    List<String> backendIds,
    RouteTimeouts timeouts,
    int maxAttempts,
    Prices prices,
    Strategy strategy,
    RetryBudget retryBudget,
    String fallback,
    Canary canary,
    Map<String, Integer> weights) {

  /** The weight of a backend the route's {@code weights} does not name. */
  public static final int DEFAULT_WEIGHT = 1;
  /** The largest weight: enough for any ratio between GPU servers, small enough for exact sums. */
  public static final int MAX_WEIGHT = 1000;

  public ModelRoute {
    backendIds = List.copyOf(backendIds);
    List<String> pool = backendIds;
    // Weights of backends outside the pool mean nothing here (the validator refuses them in config).
    weights = weights == null ? Map.of() : weights.entrySet().stream()
        .filter(entry -> pool.contains(entry.getKey()))
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** A route with the default strategy and retry budget, no fallback, no canary, equal weights. */
  public ModelRoute(String name, String upstreamModel, List<String> backendIds, RouteTimeouts timeouts,
                    int maxAttempts, Prices prices) {
    this(name, upstreamModel, backendIds, timeouts, maxAttempts, prices, Strategy.DEFAULT, RetryBudget.DEFAULT,
        null, null, Map.of());
  }

  /** The capacity share of a backend of the pool; 0 when it is drained. */
  public int weight(String backendId) {
    return weights.getOrDefault(backendId, DEFAULT_WEIGHT);
  }

  public ModelRoute withStrategy(Strategy newStrategy) {
    return new ModelRoute(name, upstreamModel, backendIds, timeouts, maxAttempts, prices, newStrategy, retryBudget,
        fallback, canary, weights);
  }

  public ModelRoute withFallback(String newFallback) {
    return new ModelRoute(name, upstreamModel, backendIds, timeouts, maxAttempts, prices, strategy, retryBudget,
        newFallback, canary, weights);
  }

  public ModelRoute withCanary(Canary newCanary) {
    return new ModelRoute(name, upstreamModel, backendIds, timeouts, maxAttempts, prices, strategy, retryBudget,
        fallback, newCanary, weights);
  }

  public ModelRoute withRetryBudget(RetryBudget newBudget) {
    return new ModelRoute(name, upstreamModel, backendIds, timeouts, maxAttempts, prices, strategy, newBudget,
        fallback, canary, weights);
  }

  /** The same route with these backend weights (backend id → 0–1000; a backend not named has 1). */
  public ModelRoute withWeights(Map<String, Integer> newWeights) {
    return new ModelRoute(name, upstreamModel, backendIds, timeouts, maxAttempts, prices, strategy, retryBudget,
        fallback, canary, newWeights);
  }

  /**
   * The same route over other backends, without a canary of its own (a canary's side of the
   * split); weights of the backends that stay are kept.
   */
  public ModelRoute withBackends(List<String> ids) {
    return new ModelRoute(name, upstreamModel, ids, timeouts, maxAttempts, prices, strategy, retryBudget,
        fallback, null, weights);
  }

  /**
   * Route timeouts in milliseconds.
   *
   * @param totalMs the whole request, first byte to last; 0 = no bound
   */
  public record RouteTimeouts(long connectMs, long firstTokenMs, long idleMs, long totalMs) {
    public static final RouteTimeouts DEFAULT = new RouteTimeouts(2_000, 120_000, 60_000, 0);

    public RouteTimeouts(long connectMs, long firstTokenMs, long idleMs) {
      this(connectMs, firstTokenMs, idleMs, 0);
    }
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

  /**
   * How a backend of the pool is chosen.
   *
   * @param kind     the algorithm
   * @param scoring  the load score of least-load (also used by prefix-affinity when it falls back)
   * @param affinity the prefix-affinity settings
   */
  public record Strategy(Kind kind, Scoring scoring, Affinity affinity) {
    public static final Strategy DEFAULT = new Strategy(Kind.LEAST_LOAD, Scoring.DEFAULT, Affinity.DEFAULT);

    public static Strategy of(Kind kind) {
      return new Strategy(kind, Scoring.DEFAULT, Affinity.DEFAULT);
    }

    public enum Kind {
      LEAST_LOAD, PREFIX_AFFINITY, ROUND_ROBIN, RANDOM;

      /** The name in config: least-load, prefix-affinity, round-robin, random. */
      public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
      }

      public static Kind ofConfigName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
      }
    }
  }

  /**
   * The least-load score: {@code queueWeight × waiting + inFlightWeight × running + kvCacheWeight ×
   * KV use (0–1)}, where running includes the requests this gateway sent since the last scrape.
   * A backend whose metrics are stale scores {@code inFlightWeight × its in-flight requests here}.
   *
   * @param maxQueue   a backend with at least this many waiting requests is saturated
   * @param maxKvCache a backend with at least this KV-cache use is saturated; saturated backends
   *                   are taken only when all are (or the route falls back to another model)
   */
  public record Scoring(double queueWeight, double kvCacheWeight, double inFlightWeight, int maxQueue,
                        double maxKvCache) {
    public static final Scoring DEFAULT = new Scoring(4, 8, 1, 16, 0.95);
  }

  /**
   * Prefix affinity: the same key goes to the same backend (consistent hashing with bounded load).
   *
   * @param prefixChars characters of the prompt (system and first messages) that make the key
   *                    when the request has no {@code x-session-id} header and no {@code user}
   * @param loadFactor  a backend takes a key's requests while its in-flight count stays under
   *                    loadFactor × the pool's mean; beyond it, the next backend on the ring does
   */
  public record Affinity(int prefixChars, double loadFactor) {
    public static final Affinity DEFAULT = new Affinity(256, 1.25);
  }

  /**
   * Retries allowed over a sliding window of 10 s: {@code minPerSecond × 10 + ratio × requests}.
   */
  public record RetryBudget(double ratio, int minPerSecond) {
    public static final RetryBudget DEFAULT = new RetryBudget(0.2, 5);
  }

  /**
   * A weighted split: {@code weight} percent of the route's requests go to the canary (other
   * backends, or another configured model), the rest to the stable pool.
   *
   * @param backendIds the canary's backends (empty when {@code model} is set)
   * @param model      the canary model (null when {@code backendIds} is set)
   * @param weight     0–100, percent of requests; the stable side gets the rest
   * @param rollback   when the canary's weight goes to 0 by itself
   */
  public record Canary(List<String> backendIds, String model, int weight, Rollback rollback) {
    public Canary {
      backendIds = backendIds == null ? List.of() : List.copyOf(backendIds);
    }

    public static Canary ofBackends(List<String> backendIds, int weight) {
      return new Canary(backendIds, null, weight, Rollback.DEFAULT);
    }

    public static Canary ofModel(String model, int weight) {
      return new Canary(List.of(), model, weight, Rollback.DEFAULT);
    }

    public Canary withRollback(Rollback newRollback) {
      return new Canary(backendIds, model, weight, newRollback);
    }
  }

  /**
   * Automatic rollback of a canary, judged over a sliding window against the stable side.
   *
   * @param windowMs             the window
   * @param minRequests          canary requests in the window before it is judged
   * @param maxErrorRateIncrease the canary's error rate may exceed the stable side's by this much (0–1)
   * @param maxTtftP95Ratio      the canary's p95 TTFT may be at most this multiple of the stable side's…
   * @param minTtftP95DeltaMs    …or at most this many ms more, whichever is larger (millisecond TTFTs
   *                             are noisy: 4 ms against 2 ms is no reason to roll back)
   */
  public record Rollback(long windowMs, int minRequests, double maxErrorRateIncrease, double maxTtftP95Ratio,
                         long minTtftP95DeltaMs) {
    public static final Rollback DEFAULT = new Rollback(60_000, 20, 0.05, 1.5, 50);
  }
}
