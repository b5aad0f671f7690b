package io.tollgate.analytics.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** A refusal with its status, in the gateway's error shape: {"error":{"message","type","code"}}. */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String code;

  public ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  public static ApiError notFound(String code, String message) {
    return new ApiError(404, code, message);
  }

  /** A refusal at the front door (framing, sizes, deadlines), in this API's shape. */
  public static Buffer frontDoorRefusal(int status, String code, String message) {
    return new ApiError(status, code, message).json().toBuffer();
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonObject json() {
    String type = status == 401 ? "authentication_error" : status == 404 ? "not_found_error"
        : status >= 500 ? "server_error" : "invalid_request_error";
    return new JsonObject().put("error", new JsonObject()
        .put("message", getMessage()).put("type", type).put("code", code));
  }

  public void send(HttpServerResponse response) {
    if (response.headWritten()) {
      // Mid-stream: the status is gone; cut the connection so the client sees a truncated body.
      response.reset();
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(json().toBuffer());
  }
}
