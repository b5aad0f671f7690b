package io.tollgate.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** Admin API errors in OpenAI's shape, so one client-side error parser fits every Tollgate API. */
final class AdminErrors {

  static final String INVALID_REQUEST = "invalid_request_error";
  static final String AUTHENTICATION = "authentication_error";
  static final String SERVER_ERROR = "server_error";

  private AdminErrors() {
  }

  /** {@code {"error":{"message","type","param":null,"code"[,"details"]}}}; details only when given. */
  static JsonObject body(String message, String type, String code, List<String> details) {
    JsonObject error = new JsonObject()
        .put("message", message)
        .put("type", type)
        .putNull("param")
        .put("code", code);
    if (details != null) {
      error.put("details", new JsonArray(List.copyOf(details)));
    }
    return new JsonObject().put("error", error);
  }

  static Future<Void> send(RoutingContext ctx, int status, String message, String type, String code) {
    return send(ctx, status, body(message, type, code, null));
  }

  static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().headWritten()) {
      return Future.succeededFuture(); // too late to change the answer; the connection tells the story
    }
    return ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }
}
