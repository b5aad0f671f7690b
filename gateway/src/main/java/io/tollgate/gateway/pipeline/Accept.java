package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.outcome.Refusal;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

/** Whether this gateway takes the request at all: the API's method, and not while draining. */
final class Accept implements Stage {

  private final Lifecycle lifecycle;

  Accept(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @Override
  public Future<Outcome> run(Exchange exchange) {
    HttpMethod method = exchange.request.method();
    if (!method.name().equals(exchange.endpoint.method())) {
      return Outcome.refuse(Refusal.methodNotAllowed(method.name(), exchange.endpoint.path()));
    }
    if (lifecycle.refusing()) {
      return Outcome.refuse(Refusal.shuttingDown());
    }
    return Outcome.NEXT;
  }
}
