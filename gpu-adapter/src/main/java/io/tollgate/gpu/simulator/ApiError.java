package io.tollgate.gpu.simulator;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;

/**
 * An error in vLLM's (new, OpenAI-like) shape: {@code {"error":{"message","type","param","code"}}}, sent with
 * HTTP status = code. The type is, unless given, the status phrase without spaces plus "Error", as vLLM names
 * them (BadRequestError, NotFoundError, InternalServerError, ServiceUnavailableError…). A null type stands
 * for FastAPI's own answer, {@code {"detail":message}} (a route vLLM does not register for the model it serves).
 */
record ApiError(int status, String message, String param, String type) {

  ApiError(int status, String message, String param) {
    this(status, message, param, defaultType(status));
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message, null);
  }

  /** FastAPI's 404 for a path vLLM has no route for. */
  static ApiError routeNotFound() {
    return new ApiError(404, "Not Found", null, null);
  }

  static ApiError modelNotFound(String model) {
    return new ApiError(404, "The model `" + model + "` does not exist.", "model");
  }

  private static String defaultType(int status) {
    String phrase = HttpResponseStatus.valueOf(status).reasonPhrase().replace(" ", "").replace("-", "");
    return phrase.endsWith("Error") ? phrase : phrase + "Error";
  }

  /** The inner object, also used as the payload of a mid-stream {@code data: {"error":…}} event. */
  String toJson() {
    if (type == null) {
      return "{\"detail\":" + Json.quote(message) + "}";
    }
    return "{\"error\":{\"message\":" + Json.quote(message) + ",\"type\":\"" + type + "\",\"param\":"
        + (param == null ? "null" : Json.quote(param)) + ",\"code\":" + status + "}}";
  }

  /**
   * The Anthropic-shaped body vLLM's {@code /v1/messages} sends:
   * {@code {"type":"error","error":{"type":<vLLM's type name>,"message"}}}.
   */
  String toAnthropicJson() {
    if (type == null) {
      return toJson();
    }
    return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":" + Json.quote(message) + "}}";
  }

  void send(HttpServerResponse response) {
    sendBody(response, toJson());
  }

  void sendAnthropic(HttpServerResponse response) {
    sendBody(response, toAnthropicJson());
  }

  private void sendBody(HttpServerResponse response, String body) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body);
  }
}
