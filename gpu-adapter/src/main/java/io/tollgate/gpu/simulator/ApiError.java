package io.tollgate.gpu.simulator;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;

/**
 * An error in vLLM's (new, OpenAI-like) shape: {@code {"error":{"message","type","param","code"}}}, sent with
 * HTTP status = code. The type is the status phrase without spaces plus "Error", as vLLM names them
 * (BadRequestError, NotFoundError, InternalServerError, ServiceUnavailableError…).
 */
record ApiError(int status, String message, String param) {

  static ApiError badRequest(String message) {
    return new ApiError(400, message, null);
  }

  static ApiError modelNotFound(String model) {
    return new ApiError(404, "The model `" + model + "` does not exist.", "model");
  }

  String type() {
    String phrase = HttpResponseStatus.valueOf(status).reasonPhrase().replace(" ", "").replace("-", "");
    return phrase.endsWith("Error") ? phrase : phrase + "Error";
  }

  /** The inner object, also used as the payload of a mid-stream {@code data: {"error":…}} event. */
  String toJson() {
    return "{\"error\":{\"message\":" + Json.quote(message) + ",\"type\":\"" + type() + "\",\"param\":"
        + (param == null ? "null" : Json.quote(param)) + ",\"code\":" + status + "}}";
  }

  void send(HttpServerResponse response) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(toJson());
  }
}
