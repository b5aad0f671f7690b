package io.tollgate.gateway.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;

/**
 * The {@code usage} object of a whole (non-streamed) OpenAI-style response, read in one streaming
 * pass that skips the rest (the choices), instead of a tree of the whole response.
 */
final class UsageField {

  private static final JsonFactory JSON = new JsonFactory();

  private UsageField() {
  }

  /** The usage object, or null when the body has none or is not JSON. */
  static JsonObject read(Buffer body) {
    try (JsonParser parser = JSON.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonObject usage = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        int start = (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
          // Only the usage object's bytes are parsed into a tree (the last one, as in a tree of the whole).
          usage = new JsonObject(body.getBuffer(start, (int) parser.currentLocation().getByteOffset()));
        }
      }
      return usage;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
