package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.auth.Authenticator;
import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.request.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;

/**
 * The key, from the headers, before a byte of the body is read: a caller without a valid key costs
 * neither a body buffer nor JSON parsing (docs/adr/0002-authenticate-before-parse.md).
 */
final class Authenticate implements Stage {

  private final Authenticator authenticator;

  Authenticate(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public Future<Outcome> run(Exchange exchange) {
    // The body stays in the socket until the key is known.
    exchange.request.pause();
    boolean anthropic = exchange.endpoint.dialect() == Endpoint.Dialect.ANTHROPIC;
    // Anthropic's SDKs send the key as x-api-key (Bearer wins when both came); Azure-style OpenAI clients as api-key.
    return authenticator.authenticate(exchange.request.getHeader(HttpHeaders.AUTHORIZATION),
            exchange.request.getHeader(anthropic ? "x-api-key" : "api-key"), exchange.snapshot)
        .map(result -> {
          if (result.error() != null) {
            Refusal refusal = anthropic ? result.error().forAnthropicClients() : result.error();
            // Its body was never read: close rather than read on what an unknown caller sends.
            exchange.closeAfterReply = true;
            return Outcome.refused(refusal);
          }
          exchange.key = result.key();
          exchange.span.key(result.key().id(), result.key().org());
          exchange.span.event("authenticated");
          return Outcome.CONTINUE;
        });
  }
}
