package io.tollgate.gpu.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * How the pooling APIs (embeddings, rerank, score) answer: after a prefill-like delay of
 * prefillMillisPerToken × the request's tokens (at least 1 ms), counted as a request of its family, and as an
 * abort of it when the client closes the connection first. They do not queue in the simulated engine.
 */
final class PrefillDelay {

  private final SimulatorConfig config;
  private final Vertx vertx;
  private final SimulatorMetrics metrics;

  PrefillDelay(SimulatorConfig config, Vertx vertx, SimulatorMetrics metrics) {
    this.config = config;
    this.vertx = vertx;
    this.metrics = metrics;
  }

  void answer(HttpServerResponse response, Endpoint endpoint, long tokens, String json) {
    metrics.requestStarted(endpoint);
    metrics.promptTokens += tokens;
    long delayMillis = Math.max(1, Math.round(config.prefillMillisPerToken() * tokens));
    long timer = vertx.setTimer(delayMillis, id -> {
      if (!response.ended() && !response.closed()) {
        response.putHeader("content-type", "application/json").end(json);
      }
    });
    response.closeHandler(v -> {
      if (vertx.cancelTimer(timer)) {
        metrics.requestAborted(endpoint);
      }
    });
  }
}
