package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.route.BackendAttempts;
import io.tollgate.gateway.route.RequestRoute;
import io.tollgate.gateway.route.StoredResponses;
import io.tollgate.gateway.request.Endpoint;
import io.tollgate.gateway.stream.ResponseRelay;
import io.tollgate.gateway.stream.StreamWatchdog;
import io.tollgate.gateway.upstream.UpstreamClient;
import io.vertx.core.Future;

import java.util.function.Consumer;

/**
 * Route, send and relay: a backend chosen by the model's strategy (retrying others before the
 * first byte), and its answer streamed or passed whole to the client. The last stage: it ends the
 * request with the backend's answer, or why there is none.
 */
final class Forward implements Stage {

  private final GatewayServices services;
  private final UpstreamClient client;
  private final StreamWatchdog watchdog;
  private final Consumer<String> backendSelected;
  private final String upstreamAuthorization;

  Forward(GatewayServices services, UpstreamClient client, StreamWatchdog watchdog) {
    this.services = services;
    this.client = client;
    this.watchdog = watchdog;
    this.backendSelected = services.metrics()::backendSelected;
    String key = services.settings().upstreamApiKey();
    this.upstreamAuthorization = key == null || key.isEmpty() ? null : "Bearer " + key;
  }

  @Override
  public Future<Outcome> run(Exchange exchange) {
    RequestRoute routing = services.backends().open(exchange.snapshot, exchange.route,
        exchange.request.getHeader("x-session-id"), exchange.completion::body);
    if (exchange.pinnedBackendId != null) {
      routing.pin(exchange.pinnedBackendId);
    }
    BackendAttempts attempts = new BackendAttempts(routing, client, exchange.completion, exchange.requestId,
        exchange.span, exchange.request, backendSelected, exchange.writer::started, upstreamAuthorization);
    exchange.relay = new ResponseRelay(attempts, exchange.writer, exchange.completion, watchdog,
        services.metrics(), exchange.span, exchange.startNanos, services.settings().keepAliveIntervalMs());
    if (exchange.endpoint.family() == Endpoint.Family.RESPONSES) {
      // The backend that created the response is the one that holds it, whatever the ending (a
      // background response goes on without its client). Shared before the client can know the id,
      // so that a follow-up sent at once through another replica finds it.
      exchange.relay.tellAnswerIdTo(id -> rememberStoredResponse(exchange, id));
    }
    services.lifecycle().requestStarted(); // ended by the accounting, which sees the relay
    return exchange.relay.start();
  }

  private Future<Void> rememberStoredResponse(Exchange exchange, String responseId) {
    var backend = exchange.relay.attempts().backend();
    if (backend == null) {
      return Future.succeededFuture();
    }
    return services.backends().storedResponses().remember(responseId, new StoredResponses.Owner(
        backend.spec().id(), exchange.completion.model(), exchange.key.org()));
  }
}
