package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.config.ModelRoute;
import io.tollgate.gateway.ids.Ids;
import io.tollgate.gateway.limit.Limiter;
import io.tollgate.gateway.logging.AccessLog;
import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.route.BackendState;
import io.tollgate.gateway.stream.ResponseRelay;
import io.tollgate.gateway.usage.UsageEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * The one accounting step of every request, whatever its ending (refused before the body was read
 * or after, completed, failed mid-stream, abandoned): the limiter settled with the real usage, and
 * metrics, the span, the usage event and the access-log line recorded, exactly once.
 */
final class Accounting {

  private final GatewayServices services;

  Accounting(GatewayServices services) {
    this.services = services;
  }

  /** Tokens as the backend counted them, or as estimated when it never said. */
  record Tokens(long prompt, long completion, long cached, long reasoning, double audioSeconds) {
    static final Tokens NONE = new Tokens(0, 0, 0, 0, 0);

    /**
     * From the backend's usage object in any of its APIs' names (OpenAI's chat, the Responses
     * API's and Anthropic's input/output tokens, pooling's prompt tokens). A stream cut short counts
     * the tokens the client was sent where the usage it had so far says fewer (Anthropic's stream
     * reports output tokens only at its end).
     */
    static Tokens of(Exchange exchange) {
      ResponseRelay relay = exchange.relay;
      if (relay == null || exchange.endpoint.addressesStoredResponse()) {
        return NONE; // a stored response read back carries the usage it was charged for when made
      }
      JsonObject usage = relay.usage();
      var events = relay.streamEvents();
      long sent = events != null && !events.ended() ? relay.textChunks() : 0;
      if (usage != null) {
        long prompt = first(usage, "prompt_tokens", "input_tokens");
        long completion = first(usage, "completion_tokens", "output_tokens");
        long cached = detail(usage, "prompt_tokens_details", "input_tokens_details", "cached_tokens");
        long reasoning = detail(usage, "completion_tokens_details", "output_tokens_details", "reasoning_tokens");
        // Speech to text bills by duration: {"type":"duration","seconds":N}.
        double seconds = "duration".equals(usage.getValue("type")) && usage.getValue("seconds") instanceof Number n
            ? n.doubleValue() : 0;
        return new Tokens(prompt, Math.max(completion, sent), cached, reasoning, seconds);
      }
      long prompt = relay.attempts().backend() != null ? exchange.completion.promptTokenEstimate() : 0;
      return new Tokens(prompt, relay.textChunks(), 0, 0, 0);
    }

    private static long first(JsonObject usage, String name, String otherName) {
      return usage.getValue(name) instanceof Number n ? n.longValue()
          : usage.getValue(otherName) instanceof Number m ? m.longValue() : 0;
    }

    private static long detail(JsonObject usage, String object, String otherObject, String name) {
      Object details = usage.getValue(object) instanceof JsonObject found ? found : usage.getValue(otherObject);
      return details instanceof JsonObject found && found.getValue(name) instanceof Number n ? n.longValue() : 0;
    }

    long total() {
      return prompt + completion;
    }
  }

  /** Returns unused tokens and budget to the limiter and charges an overrun; frees the stream slot. */
  Future<Void> settle(Exchange exchange, Tokens tokens) {
    if (exchange.admission == null || !exchange.admission.admitted()) {
      return Future.succeededFuture();
    }
    ModelRoute route = exchange.relay.attempts().route();
    return Limiter.settleWithOwner(exchange.admission.reservation(), tokens.total(),
        route.prices().costMicros(tokens.prompt(), tokens.completion()));
  }

  /** Metrics, span, usage event and access-log line, with the status the client was sent. */
  void record(Exchange exchange, Outcome outcome, int status, Tokens tokens) {
    String errorKind = errorKind(exchange, outcome);
    double latencyMillis = (System.nanoTime() - exchange.startNanos) / 1e6;
    if (exchange.relay == null) {
      recordRefusal(exchange, status, errorKind, latencyMillis);
      return;
    }
    ResponseRelay relay = exchange.relay;
    ModelRoute route = relay.attempts().route();
    BackendState backend = relay.attempts().backend();
    long ttftNanos = relay.firstTokenNanos() < 0 ? -1 : relay.firstTokenNanos() - exchange.startNanos;
    services.metrics().requestFinished(exchange.completion.model(), exchange.endpoint.path(), status, errorKind,
        ttftNanos, System.nanoTime() - exchange.startNanos, tokens.prompt(), tokens.completion());
    exchange.span.end(status, errorKind, route.upstreamModel(), tokens.prompt(), tokens.completion());
    UsageEvent event = new UsageEvent(Ids.uuidV7(), Instant.now(), exchange.requestId, exchange.key.org(),
        exchange.key.id(), exchange.endpoint.path(), exchange.endpoint.family().label(), exchange.completion.model(),
        route.upstreamModel(), backend != null ? backend.spec().id() : null, status, errorKind,
        exchange.completion.stream(), tokens.prompt(), tokens.completion(), tokens.cached(), tokens.reasoning(),
        tokens.audioSeconds(), route.prices().cost(tokens.prompt(), tokens.completion()),
        ttftNanos < 0 ? -1 : ttftNanos / 1e6, latencyMillis, relay.clientGone(), exchange.snapshot.version());
    services.usage().emit(event);
    AccessLog.request(event, exchange.span.traceId());
    services.lifecycle().requestEnded();
  }

  /**
   * A request that ended before a backend was asked: no tokens, no cost, but recorded all the same,
   * so that usage and reliability reports see refusals (the org is billed nothing); under the
   * anonymous event (no org, no key) when no valid key was known.
   */
  private void recordRefusal(Exchange exchange, int status, String errorKind, double latencyMillis) {
    String model = exchange.completion == null ? null : exchange.route != null ? exchange.completion.model() : "other";
    services.metrics().requestRejected(model, exchange.endpoint.path(), status, errorKind);
    exchange.span.end(status, errorKind, null, 0, 0);
    if (exchange.key == null) {
      services.usage().emit(UsageEvent.anonymous(exchange.requestId, exchange.endpoint.path(),
          exchange.endpoint.family().label(), status, errorKind, latencyMillis, exchange.snapshot.version()));
      AccessLog.anonymous(exchange.requestId, exchange.span.traceId(), exchange.endpoint.path(), status, errorKind);
      return;
    }
    UsageEvent event = UsageEvent.refused(exchange.requestId, exchange.key.org(), exchange.key.id(),
        exchange.endpoint.path(), exchange.endpoint.family().label(),
        exchange.completion == null ? null : exchange.completion.model(),
        exchange.completion != null && exchange.completion.stream(), status, errorKind, latencyMillis,
        exchange.snapshot.version());
    services.usage().emit(event);
    AccessLog.request(event, exchange.span.traceId());
  }

  private static String errorKind(Exchange exchange, Outcome outcome) {
    return switch (outcome.kind()) {
      case REFUSED -> outcome.refusal().kind();
      case CLIENT_GONE -> "client_disconnected";
      default -> exchange.relay != null ? exchange.relay.streamErrorCode() : null;
    };
  }
}
