package io.tollgate.gpu.simulator;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads JSON request bodies as vLLM's FastAPI front end does: JSON content type required, object expected. */
final class RequestBodies {

  private RequestBodies() {
  }

  static JsonObject json(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("content-type");
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim();
    if (!mediaType.equalsIgnoreCase("application/json")) {
      throw ApiException.badRequest("Unsupported Media Type: Only 'application/json' is allowed");
    }
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("JSON decode error: the request body is empty");
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(text);
    } catch (RuntimeException e) {
      throw ApiException.badRequest("JSON decode error: " + firstLine(e.getMessage()));
    }
    if (!(parsed instanceof JsonObject body)) {
      throw ApiException.badRequest("Input should be a valid dictionary or object to extract fields from");
    }
    return body;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid JSON";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
