package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.ids.Ids;
import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.request.Endpoint;
import io.tollgate.gateway.stream.StreamWatchdog;
import io.tollgate.gateway.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request path of the proxied APIs. {@link #stages} lists every stage in order; each returns
 * an {@link Outcome}: go on, or end. Every ending, the first stage's refusal as much as a finished
 * stream, goes through {@link #end}: settle, record, respond.
 */
public final class RequestPipeline {

  private static final Logger LOG = Logger.getLogger(RequestPipeline.class.getName());
  /** How long the end of a stream may wait for its settlement (a Redis round trip) before it goes anyway. */
  private static final long SETTLE_WAIT_MS = 250;

  private final GatewayServices services;
  private final List<Stage> stages;
  private final Accounting accounting;
  private final Responder responder;

  public RequestPipeline(GatewayServices services, UpstreamClient client, StreamWatchdog watchdog, Responder responder) {
    this.services = services;
    this.stages = stages(services, client, watchdog);
    this.accounting = new Accounting(services);
    this.responder = responder;
  }

  /** The request path, in order. */
  private static List<Stage> stages(GatewayServices services, UpstreamClient client, StreamWatchdog watchdog) {
    return List.of(
        new Accept(services.lifecycle()),             // the API's method, and not while draining
        new Authenticate(services.authenticator()),   // the key, from the headers; the body still unread
        new ReadBody(services.settings()),            // up to the size limit, within the body deadline
        new Parse(),                                  // JSON, and the fields the gateway acts on
        new FindStoredResponse(services.backends().storedResponses()), // a stored response's backend, if one is named
        new ResolveModel(),                           // the model's route, and the key's right to it
        new Admit(services.limiter(), services.metrics()), // limits and budgets; worst case reserved
        new Forward(services, client, watchdog));     // route, send, retry, stream or pass the answer
  }

  public void handle(HttpServerRequest request, Endpoint endpoint) {
    String requestId = Ids.requestId(request.getHeader("x-request-id"));
    Exchange exchange = new Exchange(request, endpoint, System.nanoTime(), requestId, services.snapshots().get(),
        services.tracer().start(request, endpoint));
    exchange.span.requestId(requestId);
    request.response().putHeader("x-request-id", requestId);
    runFrom(0, exchange);
  }

  /** Runs the stages from the given one; stages that answer at once do not go through a callback. */
  private void runFrom(int first, Exchange exchange) {
    for (int i = first; i < stages.size(); i++) {
      Future<Outcome> outcome;
      try {
        outcome = stages.get(i).run(exchange);
      } catch (RuntimeException bug) {
        // A stage that throws is a bug; the request still gets an answer and its accounting.
        LOG.log(Level.SEVERE, "stage " + stages.get(i).getClass().getSimpleName() + " failed", bug);
        outcome = Future.failedFuture(bug);
      }
      if (!outcome.isComplete()) {
        int next = i + 1;
        exchange.writer.onItsLoop(outcome, done -> {
          Outcome result = outcomeOf(done.succeeded() ? done.result() : null, done.cause());
          if (result.proceeds()) {
            runFrom(next, exchange);
          } else {
            end(exchange, result);
          }
        });
        return;
      }
      Outcome result = outcomeOf(outcome.result(), outcome.cause());
      if (!result.proceeds()) {
        end(exchange, result);
        return;
      }
    }
    end(exchange, Outcome.refused(Refusal.internal("the request path ended without an answer")));
  }

  private static Outcome outcomeOf(Outcome outcome, Throwable failure) {
    return failure != null || outcome == null
        ? Outcome.refused(Refusal.internal(failure == null ? "no outcome" : String.valueOf(failure.getMessage())))
        : outcome;
  }

  /**
   * Every ending: the limiter settled, the request recorded with the status the client gets, and
   * the answer's end written. A completed stream's last bytes wait for the settlement, so that a
   * client that sends its next request on {@code [DONE]} finds its concurrent-streams slot free;
   * within a bound, and counted in flight meanwhile so that a graceful shutdown does not cut it.
   */
  private void end(Exchange exchange, Outcome outcome) {
    Accounting.Tokens tokens = Accounting.Tokens.of(exchange);
    Future<Void> settled = accounting.settle(exchange, tokens);
    accounting.record(exchange, outcome, responder.status(exchange, outcome), tokens);
    if (outcome.tail() == null || settled.isComplete()) {
      responder.respond(exchange, outcome);
      return;
    }
    services.lifecycle().requestStarted();
    exchange.writer.onItsLoop(settled.timeout(SETTLE_WAIT_MS, TimeUnit.MILLISECONDS), v -> {
      responder.respond(exchange, outcome);
      services.lifecycle().requestEnded();
    });
  }
}
