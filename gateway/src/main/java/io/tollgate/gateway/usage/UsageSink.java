package io.tollgate.gateway.usage;

import io.vertx.core.Future;

/** Where usage events go. {@link #emit} is called on the request path and must never block. */
public interface UsageSink {

  void emit(UsageEvent event);

  /** Writes out everything emitted so far (graceful shutdown, tests). */
  Future<Void> flush();

  Future<Void> close();
}
