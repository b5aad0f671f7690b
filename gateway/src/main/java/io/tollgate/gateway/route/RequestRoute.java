package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The routing of one request, from the canary split at its start to its last attempt: which
 * side and route serve it, which backends it tried, how many attempts are left, whether it may
 * retry (within the route's retry budget), and when it falls back to the route's fallback model.
 *
 * <p>Confined to the request's event loop. One small object per request; choices allocate nothing.
 */
public final class RequestRoute {

  private static final int MAX_PLANS = 8;

  private final BackendPool pool;
  private final RouteTable table;
  private final RoutePlan requested;
  private final String sessionId;
  /** The request's JSON, parsed only if prefix affinity needs it. */
  private final Supplier<JsonObject> body;
  private final RouteState budgetOwner;
  private RoutePlan plan;
  private final RoutePlan[] visited = new RoutePlan[MAX_PLANS];
  private int visitedCount;
  private BackendState[] tried = new BackendState[4];
  private int triedCount;
  private int attempts;
  private long affinityKey;
  private boolean affinityKnown;
  private BackendState current;
  private boolean currentOnCanary;
  private double currentTtft = Double.NaN;
  private boolean canarySide;
  /** Set when the request must go to one backend (the holder of a stored response): no other is tried. */
  private String pinnedBackendId;

  RequestRoute(BackendPool pool, RouteTable table, RoutePlan requested, String sessionId, Supplier<JsonObject> body) {
    this.pool = pool;
    this.table = table;
    this.requested = requested;
    this.sessionId = sessionId;
    this.body = body;
    this.budgetOwner = requested.state();
    RoutePlan start = requested;
    CanaryJudge judge = requested.state().canary();
    if (requested.canary() != null && judge != null) {
      int weight = judge.weight();
      if (weight > 0 && ThreadLocalRandom.current().nextInt(100) < weight) {
        start = requested.canary();
        canarySide = true;
      }
    }
    enter(start);
    budgetOwner.retryBudget().request(System.currentTimeMillis());
  }

  /** The route that serves the request now (the requested one, its canary model, or a fallback). */
  public ModelRoute route() {
    return plan.route();
  }

  /** Whether the split sent this request to the canary side. */
  public boolean canary() {
    return canarySide;
  }

  /** Whether a fallback model serves the request (a different model than the one requested). */
  public boolean fellBack() {
    return !plan.route().name().equals(requested.route().name()) && !(canarySide && plan == requested.canary());
  }

  /**
   * The next backend to try, already counted in flight there; null when none is left (every
   * backend tried or out of attempts, and no fallback left). Switches to the canary's stable side
   * or to the fallback model when the current one has nothing usable.
   */
  public BackendState next() {
    if (pinnedBackendId != null) {
      return nextPinned();
    }
    long now = System.nanoTime();
    while (true) {
      if (attempts < plan.route().maxAttempts()) {
        BackendState chosen = pick(plan, fallbackUsable(), now);
        if (chosen != null) {
          attempts++;
          remember(chosen);
          current = chosen;
          currentOnCanary = canarySide && plan == requested.canary();
          currentTtft = Double.NaN;
          return chosen;
        }
      }
      if (!switchPlan()) {
        return null;
      }
    }
  }

  /**
   * Whether a failed attempt may be retried: something is left to try, and the route's retry
   * budget allows it (the budget is spent when this answers true).
   */
  public boolean mayRetry() {
    if (pinnedBackendId != null) {
      return false; // only the pinned backend holds what the request refers to
    }
    boolean more = (attempts < plan.route().maxAttempts() && hasUntried(plan))
        || fallbackUsable() || stableSideLeft();
    if (!more) {
      return false;
    }
    return budgetOwner.retryBudget().tryRetry(System.currentTimeMillis(), requested.route().retryBudget());
  }

  /** The first token (or a whole answer) came from {@code backend}. */
  public void firstToken(BackendState backend, double ttftMillis) {
    backend.firstToken(ttftMillis);
    if (backend == current) {
      currentTtft = ttftMillis;
    }
  }

  /** The attempt on {@code backend} is over: frees its slot, feeds ejection and the canary judge. */
  public void released(BackendState backend, boolean failed) {
    backend.end(failed);
    CanaryJudge judge = budgetOwner.canary();
    if (judge != null && backend == current && requested.canary() != null) {
      if (judge.record(currentOnCanary, failed, currentTtft, System.currentTimeMillis()) != null) {
        pool.canaryRolledBack();
      }
    }
  }

  /** Sends the request to this backend only, whatever the strategy would choose. */
  public void pin(String backendId) {
    this.pinnedBackendId = backendId;
  }

  // ---- internals -----------------------------------------------------------------------------

  /** The pinned backend, once, if the route still has it; null when it is gone from the config. */
  private BackendState nextPinned() {
    if (attempts > 0) {
      return null;
    }
    for (RoutePlan candidates : new RoutePlan[] {requested, requested.canary()}) {
      if (candidates == null) {
        continue;
      }
      for (BackendState member : candidates.members()) {
        if (member.spec().id().equals(pinnedBackendId)) {
          attempts++;
          remember(member);
          current = member;
          member.begin();
          return member;
        }
      }
    }
    return null;
  }

  private BackendState pick(RoutePlan candidates, boolean strict, long now) {
    BackendState[] members = candidates.members();
    ModelRoute.Scoring scoring = candidates.route().strategy().scoring();
    long stale = candidates.staleAfterNanos();
    // Round-robin and random are load-blind by design (baselines): no saturation gate for them.
    boolean loadAware = candidates.loadAware();
    long drained = candidates.drained();
    long untried = 0;
    long usable = 0;
    long unsaturated = 0;
    int probe = -1;
    for (int i = 0; i < members.length; i++) {
      BackendState member = members[i];
      long bit = 1L << i;
      // A drained backend (weight 0) takes no new request of this route: not as a retry, not as
      // the half-open probe, not when every other backend is out.
      if ((drained & bit) != 0 || wasTried(member)) {
        continue;
      }
      untried |= bit;
      if (member.available()) {
        usable |= bit;
        if (!loadAware || !LoadScore.saturated(member, scoring, now, stale)) {
          unsaturated |= bit;
        }
      } else if (probe < 0 && member.probeDue(now)) {
        probe = i;
      }
    }
    // An ejected backend whose period is over gets the next request as its half-open probe.
    if (probe >= 0 && members[probe].tryStartProbe(now)) {
      members[probe].begin();
      return members[probe];
    }
    long eligible;
    if (unsaturated != 0) {
      eligible = unsaturated;
    } else if (strict) {
      return null; // every backend ejected or saturated: the fallback model serves
    } else if (usable != 0) {
      eligible = usable; // all saturated, no fallback: the least bad one
    } else if (untried != 0) {
      // Every backend is out: try them anyway rather than refuse (a false ejection must not turn
      // into an outage); the request still has its retries.
      eligible = untried;
      usable = untried;
    } else {
      return null;
    }
    long key = candidates.usesAffinity() ? affinityKey() : 0;
    BackendState chosen = members[candidates.strategy().pick(candidates, eligible, usable, key, now)];
    chosen.begin();
    return chosen;
  }

  private long affinityKey() {
    if (!affinityKnown) {
      affinityKey = AffinityKey.of(sessionId, body.get(), requested.route().strategy().affinity().prefixChars());
      affinityKnown = true;
    }
    return affinityKey;
  }

  /** Leaves the current route for the canary's stable side, or for the fallback model. */
  private boolean switchPlan() {
    if (stableSideLeft()) {
      enter(requested);
      return true;
    }
    RoutePlan fallback = fallbackPlan();
    if (fallback == null) {
      return false;
    }
    enter(fallback);
    pool.fellBack();
    return true;
  }

  private boolean stableSideLeft() {
    return canarySide && plan == requested.canary() && !wasVisited(requested);
  }

  private boolean fallbackUsable() {
    return fallbackPlan() != null;
  }

  private RoutePlan fallbackPlan() {
    String name = plan.route().fallback();
    if (name == null || visitedCount == MAX_PLANS) {
      return null;
    }
    RoutePlan fallback = table.plan(name);
    return fallback == null || wasVisited(fallback) ? null : fallback;
  }

  private void enter(RoutePlan next) {
    plan = next;
    attempts = 0;
    if (visitedCount < MAX_PLANS) {
      visited[visitedCount++] = next;
    }
  }

  private boolean wasVisited(RoutePlan candidate) {
    for (int i = 0; i < visitedCount; i++) {
      if (visited[i] == candidate) {
        return true;
      }
    }
    return false;
  }

  /** Whether the plan has a backend this request has not tried yet (drained ones do not count). */
  private boolean hasUntried(RoutePlan candidates) {
    BackendState[] members = candidates.members();
    long drained = candidates.drained();
    for (int i = 0; i < members.length; i++) {
      if ((drained & (1L << i)) == 0 && !wasTried(members[i])) {
        return true;
      }
    }
    return false;
  }

  private boolean wasTried(BackendState backend) {
    for (int i = 0; i < triedCount; i++) {
      if (tried[i] == backend) {
        return true;
      }
    }
    return false;
  }

  private void remember(BackendState backend) {
    if (triedCount == tried.length) {
      tried = java.util.Arrays.copyOf(tried, tried.length * 2);
    }
    tried[triedCount++] = backend;
  }
}
