package io.tollgate.gateway.route;

import io.tollgate.gateway.outcome.Refusal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Reads a backend's error body in any of vLLM's shapes (new {@code {"error":{…}}}, old flat
 * {@code {"object":"error",…}}, its API-key {@code {"error":"Unauthorized"}}, or plain text) and
 * restates it in OpenAI's shape.
 */
final class UpstreamErrors {

  private static final int MAX_MESSAGE = 2_000;

  private UpstreamErrors() {
  }

  static JsonObject errorObject(Buffer body) {
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (RuntimeException e) {
      String text = body.toString().strip();
      return new JsonObject().put("message", text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text);
    }
    Object error = json.getValue("error");
    if (error instanceof JsonObject nested) {
      return nested;
    }
    if (error instanceof String text) {
      return new JsonObject().put("message", text);
    }
    if (json.getValue("detail") instanceof String detail) {
      return new JsonObject().put("message", detail); // FastAPI's own 404/405 on a route vLLM does not serve
    }
    return json; // the old flat shape carries message/type/param at the top
  }

  /** A non-200 answer as the caller's refusal: a 4xx passed on, a 5xx or a refused gateway as a failure. */
  static Refusal refusal(int status, Buffer body) {
    JsonObject upstream = errorObject(body);
    if (status >= 500) {
      String message = upstream.getString("message");
      return Refusal.upstreamFailed("backend answered " + status + (message != null ? ": " + message : ""));
    }
    if (status == 401 || status == 403) {
      // The backend refused the gateway, not the client: a deployment problem, not the caller's.
      return Refusal.upstreamFailed("the backend refused the gateway's credentials (" + status + ")");
    }
    String message = upstream.getString("message", "the backend refused the request (" + status + ")");
    String param = upstream.getValue("param") instanceof String text ? text : null;
    String code = upstream.getValue("code") instanceof String text ? text : null;
    if (status == 404 && code == null) {
      code = "model_not_found";
    }
    return Refusal.upstreamRejected(status, message, param, code);
  }
}
