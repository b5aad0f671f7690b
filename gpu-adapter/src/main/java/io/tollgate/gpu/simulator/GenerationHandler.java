package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/** {@code POST /v1/chat/completions} and {@code POST /v1/completions}. */
final class GenerationHandler {

  private final SimulatorConfig config;
  private final GpuEngine engine;
  private final SimulatorMetrics metrics;
  private final Supplier<SimulatorFaults> faults;
  private final GenerationRequestParser parser;
  /** Fault draws, seeded so that a run with an error rate is reproducible. Event loop only. */
  private final SplittableRandom faultDice;

  GenerationHandler(SimulatorConfig config, GpuEngine engine, SimulatorMetrics metrics,
      Supplier<SimulatorFaults> faults) {
    this.config = config;
    this.engine = engine;
    this.metrics = metrics;
    this.faults = faults;
    this.parser = new GenerationRequestParser(config);
    this.faultDice = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
  }

  /** The W3C trace context of the latest generation request (vLLM reads it with --otlp-traces-endpoint). */
  private volatile String lastTraceparent;

  String lastTraceparent() {
    return lastTraceparent;
  }

  void handle(RoutingContext ctx, Endpoint endpoint) {
    long arrival = System.nanoTime();
    HttpServerResponse response = ctx.response();
    String traceparent = ctx.request().getHeader("traceparent");
    if (traceparent != null) {
      lastTraceparent = traceparent;
    }
    String requestId = RequestIds.fromHeaderOrRandom(ctx.request().getHeader("X-Request-Id"));
    response.putHeader("X-Request-Id", requestId);
    GenerationRequest request;
    try {
      request = parser.parse(endpoint, RequestBodies.json(ctx));
    } catch (ApiException e) {
      e.error().send(response);
      return;
    }
    SimulatorFaults f = faults.get();
    if (f.errorRate() > 0 && faultDice.nextDouble() < f.errorRate()) {
      metrics.errorsInjected++;
      new ApiError(f.errorStatus(), "Simulated server error (injected fault).", null).send(response);
      return;
    }
    ResponseShapes shapes = new ResponseShapes(endpoint, endpoint.idPrefix() + requestId,
        System.currentTimeMillis() / 1000, request.model());
    GenerationCall call = request.stream()
        ? new StreamingCall(request, response, engine, shapes)
        : new BufferedCall(request, response, engine, shapes);
    for (int i = 0; i < request.prompts().size(); i++) {
      call.add(Sequence.plan(call, i, request.prompts().get(i), request, config, arrival));
    }
    call.start();
  }
}
