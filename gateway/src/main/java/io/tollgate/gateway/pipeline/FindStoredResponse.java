package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.route.StoredResponses;
import io.vertx.core.Future;

/**
 * A request about a stored response (read, cancel, or continue it with previous_response_id)
 * finds the backend that holds it, and its model; 404 when this gateway does not know it or it is
 * another org's (the two are not told apart).
 */
final class FindStoredResponse implements Stage {

  private final StoredResponses stored;

  FindStoredResponse(StoredResponses stored) {
    this.stored = stored;
  }

  @Override
  public Future<Outcome> run(Exchange exchange) {
    String id = exchange.completion.responseId();
    if (id == null) {
      return Outcome.NEXT;
    }
    return stored.find(id).map(owner -> {
      if (owner == null || !exchange.key.org().equals(owner.org())) {
        boolean continuing = !exchange.endpoint.addressesStoredResponse();
        return Outcome.refused(Refusal.responseNotFound(id, continuing ? "previous_response_id" : "response_id"));
      }
      exchange.pinnedBackendId = owner.backendId();
      if (exchange.completion.model() == null) {
        exchange.completion = exchange.completion.withModel(owner.model());
      }
      return Outcome.CONTINUE;
    });
  }
}
