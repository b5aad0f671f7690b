package io.tollgate.gateway.route;

import io.tollgate.gateway.config.ModelRoute;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a route learns while it serves, kept across reloads by model name: its round-robin turn,
 * its retry budget, and the judge of its canary (kept while the canary's config is unchanged, so
 * a rolled-back canary stays rolled back through unrelated reloads; a changed canary starts over).
 */
final class RouteState {

  private final String name;
  private final AtomicInteger turn = new AtomicInteger();
  private final RetryBudgetTracker retryBudget = new RetryBudgetTracker();
  private volatile CanaryJudge canary;

  RouteState(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  int nextTurn() {
    return turn.getAndIncrement();
  }

  RetryBudgetTracker retryBudget() {
    return retryBudget;
  }

  /** The judge of the route's canary, or null when it has none. */
  CanaryJudge canary() {
    return canary;
  }

  /** Follows a new config of the route. */
  synchronized void configure(ModelRoute route) {
    ModelRoute.Canary spec = route.canary();
    CanaryJudge current = canary;
    if (spec == null) {
      canary = null;
    } else if (current == null || !Objects.equals(current.spec(), spec)) {
      canary = new CanaryJudge(name, spec);
    }
  }
}
