package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.outcome.Refusal;
import io.vertx.core.Future;

/** The route of the model asked for, in the request's config snapshot, and the key's right to it. */
final class ResolveModel implements Stage {

  @Override
  public Future<Outcome> run(Exchange exchange) {
    String model = exchange.completion.model();
    ModelRoute route = exchange.snapshot.models().get(model);
    if (route == null) {
      return Outcome.refuse(Refusal.unknownModel(model));
    }
    exchange.route = route;
    if (!exchange.key.allows(model)) {
      return Outcome.refuse(Refusal.modelNotAllowed(model));
    }
    return Outcome.NEXT;
  }
}
