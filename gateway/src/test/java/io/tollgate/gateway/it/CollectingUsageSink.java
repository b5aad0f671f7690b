package io.tollgate.gateway.it;

import io.tollgate.gateway.usage.UsageEvent;
import io.tollgate.gateway.usage.UsageSink;
import io.vertx.core.Future;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps usage events in memory for assertions. */
public final class CollectingUsageSink implements UsageSink {

  private final List<UsageEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void emit(UsageEvent event) {
    events.add(event);
  }

  @Override
  public Future<Void> flush() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  public List<UsageEvent> events() {
    return List.copyOf(events);
  }

  /** Waits (test thread) until at least {@code count} events arrived. */
  public List<UsageEvent> awaitEvents(int count, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (events.size() < count && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    return events();
  }
}
