package io.tollgate.gateway.stream;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One periodic timer per event loop that checks every open exchange for first-token and idle
 * timeouts and sends keep-alives, instead of a timer per request re-armed on every token.
 * Event-loop confined: register, unregister and tick all run on the owning loop.
 */
public final class StreamWatchdog {

  /** How often exchanges are checked; timeouts are accurate to about this much. */
  public static final long PERIOD_MILLIS = 200;

  private final Set<ResponseRelay> open = new LinkedHashSet<>();

  void register(ResponseRelay exchange) {
    open.add(exchange);
  }

  void unregister(ResponseRelay exchange) {
    open.remove(exchange);
  }

  public int openExchanges() {
    return open.size();
  }

  public void tick(long nowNanos) {
    if (open.isEmpty()) {
      return;
    }
    for (ResponseRelay exchange : new ArrayList<>(open)) {
      exchange.tick(nowNanos);
    }
  }
}
