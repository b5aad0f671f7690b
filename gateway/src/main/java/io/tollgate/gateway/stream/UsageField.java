package io.tollgate.gateway.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;

/**
 * The {@code usage} object and the {@code id} of a whole (non-streamed) response, read in one
 * streaming pass that skips the rest (the choices), instead of a tree of the whole response.
 */
final class UsageField {

  /** What the accounting and the stored-response routing need of a whole answer; either may be null. */
  record Found(String id, JsonObject usage) {
    static final Found NOTHING = new Found(null, null);
  }

  private static final JsonFactory JSON = new JsonFactory();

  private UsageField() {
  }

  /** The top-level usage object and id; nulls when the body has none or is not JSON. */
  static Found read(Buffer body) {
    try (JsonParser parser = JSON.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Found.NOTHING;
      }
      JsonObject usage = null;
      String id = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("id".equals(name) && value == JsonToken.VALUE_STRING) {
          id = parser.getText();
          continue;
        }
        int start = (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
          // Only the usage object's bytes are parsed into a tree (the last one, as in a tree of the whole).
          usage = new JsonObject(body.getBuffer(start, (int) parser.currentLocation().getByteOffset()));
        }
      }
      return new Found(id, usage);
    } catch (IOException | RuntimeException e) {
      return Found.NOTHING;
    }
  }
}
