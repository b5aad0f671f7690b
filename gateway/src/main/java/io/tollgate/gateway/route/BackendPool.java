package io.tollgate.gateway.route;

import io.tollgate.gateway.config.BackendSpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.ModelRoute;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses a backend for a request: the one with the fewest requests in flight from this gateway,
 * ties broken at random so that equal backends share a burst. Backends already tried for this
 * request are skipped (a retry goes elsewhere).
 */
public final class BackendPool {

  private final ConcurrentHashMap<BackendSpec, BackendState> states = new ConcurrentHashMap<>();

  /** The chosen backend, already counted in flight; null when none is left to try. */
  public BackendState choose(ConfigSnapshot snapshot, ModelRoute route, Set<String> exclude) {
    List<BackendState> best = new ArrayList<>(2);
    int bestLoad = Integer.MAX_VALUE;
    for (String id : route.backendIds()) {
      if (exclude.contains(id)) {
        continue;
      }
      BackendSpec spec = snapshot.backends().get(id);
      if (spec == null) {
        continue;
      }
      BackendState state = stateOf(spec);
      int load = state.inFlight();
      if (load < bestLoad) {
        best.clear();
        best.add(state);
        bestLoad = load;
      } else if (load == bestLoad) {
        best.add(state);
      }
    }
    if (best.isEmpty()) {
      return null;
    }
    BackendState chosen = best.size() == 1 ? best.get(0) : best.get(ThreadLocalRandom.current().nextInt(best.size()));
    chosen.begin();
    return chosen;
  }

  public BackendState stateOf(BackendSpec spec) {
    return states.computeIfAbsent(spec, BackendState::new);
  }

  /** Drops state of backends that no snapshot names any more and that have nothing in flight. */
  public void retainOnly(ConfigSnapshot snapshot) {
    states.entrySet().removeIf(entry -> !snapshot.backends().containsValue(entry.getKey())
        && entry.getValue().inFlight() == 0);
  }
}
