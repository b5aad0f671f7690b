package io.tollgate.gpu.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /v1/chat/completions} and {@code POST /v1/completions}. */
final class GenerationHandler {

  private final Launcher launcher;
  private final GenerationRequestParser parser;

  GenerationHandler(SimulatorConfig config, Launcher launcher) {
    this.launcher = launcher;
    this.parser = new GenerationRequestParser(config);
  }

  void handle(RoutingContext ctx, Endpoint endpoint) {
    long arrival = System.nanoTime();
    HttpServerResponse response = ctx.response();
    String requestId = launcher.requestId(ctx);
    GenerationRequest request;
    try {
      request = parser.parse(endpoint, RequestBodies.json(ctx));
    } catch (ApiException e) {
      e.error().send(response);
      return;
    }
    ApiError refusal = launcher.refusal(request);
    if (refusal != null) {
      refusal.send(response);
      return;
    }
    ResponseShapes shapes = new ResponseShapes(endpoint, endpoint.idPrefix() + requestId,
        System.currentTimeMillis() / 1000, request.model());
    GenerationCall call = request.stream()
        ? new StreamingCall(request, response, launcher.engine(), shapes)
        : new BufferedCall(request, response, launcher.engine(), shapes);
    launcher.start(call, request, arrival);
  }
}
