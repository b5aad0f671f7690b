package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.request.CompletionRequest;
import io.tollgate.gateway.request.Endpoint;
import io.tollgate.gateway.request.RequestParser;
import io.vertx.core.Future;

/** The JSON body checked, and the few fields the gateway acts on read once. */
final class Parse implements Stage {

  @Override
  public Future<Outcome> run(Exchange exchange) {
    if (exchange.endpoint.addressesStoredResponse()) {
      // No body to read: the id in the path is all (its model is its owner's, found next).
      String path = exchange.request.path();
      exchange.completion = CompletionRequest.storedResponse(exchange.endpoint, Endpoint.storedResponseId(path), path);
      return Outcome.NEXT;
    }
    RequestParser.Parsed parsed = exchange.endpoint.multipart()
        ? RequestParser.parseUpload(exchange.endpoint, exchange.body, exchange.request.getHeader("content-type"),
            exchange.uploadRest)
        : RequestParser.parse(exchange.endpoint, exchange.body);
    if (parsed.error() != null) {
      return Outcome.refuse(parsed.error());
    }
    CompletionRequest completion = parsed.request();
    exchange.completion = completion;
    exchange.span.model(completion.model(), completion.stream(), completion.maxTokens());
    return Outcome.NEXT;
  }
}
