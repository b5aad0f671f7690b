package io.tollgate.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The {@code usage} object of a whole (non-streamed) OpenAI-style response. */
final class UsageField {

  private UsageField() {
  }

  static JsonObject read(Buffer body) {
    try {
      return new JsonObject(body).getJsonObject("usage");
    } catch (RuntimeException e) {
      return null;
    }
  }
}
