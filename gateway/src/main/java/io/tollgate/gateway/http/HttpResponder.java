package io.tollgate.gateway.http;

import io.tollgate.frontdoor.FrontDoor;
import io.tollgate.gateway.limit.Admission;
import io.tollgate.gateway.limit.BudgetStatus;
import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.pipeline.Exchange;
import io.tollgate.gateway.pipeline.Responder;
import io.tollgate.gateway.request.Endpoint;
import io.tollgate.gateway.stream.ClientWriter;
import io.tollgate.gateway.stream.StreamEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The one place where a request's ending becomes HTTP: a refusal before the answer started is a
 * status and an OpenAI-style JSON error (with the rate-limit headers and retry-after of a 429);
 * after a stream started, an error event and {@code [DONE]}; a broken whole answer, a reset.
 */
final class HttpResponder implements Responder {

  private static final Buffer DONE_EVENT = Buffer.buffer("data: [DONE]\n\n");

  @Override
  public int status(Exchange exchange, Outcome outcome) {
    boolean started = exchange.writer().started();
    return switch (outcome.kind()) {
      case REFUSED -> started ? 200 : ApiError.of(outcome.refusal()).status();
      case CLIENT_GONE -> started ? 200 : 499;
      default -> 200;
    };
  }

  @Override
  public void respond(Exchange exchange, Outcome outcome) {
    ClientWriter writer = exchange.writer();
    switch (outcome.kind()) {
      case COMPLETED -> {
        if (outcome.tail() != null) {
          writer.end(outcome.tail());
        }
      }
      case REFUSED -> refuse(exchange, ApiError.of(outcome.refusal()));
      default -> { } // the client is gone: nobody to answer
    }
  }

  private static void refuse(Exchange exchange, ApiError error) {
    ClientWriter writer = exchange.writer();
    if (writer.gone()) {
      return;
    }
    if (writer.started()) {
      if (exchange.completion() != null && exchange.completion().stream()) {
        endStream(exchange, error);
      } else {
        writer.response().reset();
      }
      return;
    }
    HttpServerResponse response = writer.response();
    Admission admission = exchange.admission();
    if (admission != null) {
      admission.headers().writeTo(response.headers());
      if (!admission.admitted() && admission.retryAfterMillis() >= 0) {
        long millis = admission.retryAfterMillis();
        response.putHeader("retry-after", Long.toString(Math.max(1, (millis + 999) / 1000)));
        response.putHeader("retry-after-ms", Long.toString(millis));
      } else if (!admission.admitted()) {
        // It can never fit (larger than the limit itself): OpenAI's and Anthropic's SDKs would
        // otherwise retry a 429 with backoff, to the same refusal.
        response.putHeader("x-should-retry", "false");
      }
      if (admission.budget() != null) {
        budgetHeaders(response, admission.budget());
      }
    }
    if (error.status() == 503 && response.headers().get("retry-after") == null) {
      // Saturated backends, a draining replica, an unreachable key store: all pass within seconds.
      response.putHeader("retry-after", "1");
    }
    if (exchange.closeAfterReply()) {
      FrontDoor.closeAfterResponse(exchange.request());
    }
    send(exchange.request().response(), error, exchange.endpoint().dialect());
  }

  /** A stream that cannot complete ends with its API's error event, so that clients see an error, not a hang. */
  private static void endStream(Exchange exchange, ApiError error) {
    ClientWriter writer = exchange.writer();
    StreamEvents events = exchange.streamEvents();
    switch (exchange.endpoint().streaming()) {
      case RESPONSE_EVENTS -> writer.end(error.toResponseFailedEvent(
          events != null ? events.openingResponse() : null,
          events != null ? events.nextSequenceNumber() : 0));
      case MESSAGE_EVENTS -> {
        if (events != null && events.errorEvent()) {
          writer.end(Buffer.buffer()); // the backend's own error event already told the client
        } else {
          writer.end(error.toAnthropicSseEvent());
        }
      }
      default -> {
        writer.write(error.toSseEvent());
        writer.end(DONE_EVENT.copy());
      }
    }
  }

  /** Whose budget refused, how much of it is left and when it is whole again. */
  private static void budgetHeaders(HttpServerResponse response, BudgetStatus budget) {
    response.putHeader("x-tollgate-budget", budget.owner());
    response.putHeader("x-tollgate-budget-limit-usd", usd(budget.limitMicros()));
    response.putHeader("x-tollgate-budget-remaining-usd", usd(budget.remainingMicros()));
    response.putHeader("x-tollgate-budget-reset", budget.resetsAt().toString());
  }

  private static String usd(long micros) {
    return java.math.BigDecimal.valueOf(micros, 6).toPlainString();
  }

  /** Sends an error as the whole answer, unless an answer is already under way. */
  static void send(HttpServerResponse response, ApiError error) {
    send(response, error, Endpoint.Dialect.OPENAI);
  }

  /** Sends an error as the whole answer in the endpoint's shape, unless an answer is already under way. */
  static void send(HttpServerResponse response, ApiError error, Endpoint.Dialect dialect) {
    if (response.ended() || response.headWritten() || response.closed()) {
      return;
    }
    response.setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(error.toBuffer(dialect));
  }
}
