package io.tollgate.gateway.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
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
    try (JsonParser parser = parser(body)) {
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
        if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
          // Only the usage object becomes a tree (the last one, as in a tree of the whole), built from
          // this same pass: parsing its bytes again through data binding showed in the profile.
          usage = object(parser);
        } else {
          parser.skipChildren();
        }
      }
      return new Found(id, usage);
    } catch (IOException | RuntimeException e) {
      return Found.NOTHING;
    }
  }

  /** A parser over the body's own bytes where it has an array (a copy of every answer showed in the allocations). */
  private static JsonParser parser(Buffer body) throws IOException {
    ByteBuf bytes = ((BufferInternal) body).getByteBuf();
    if (bytes.hasArray()) {
      return JSON.createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
    }
    return JSON.createParser(body.getBytes());
  }

  /** The object the parser is at the start of, up to its end. */
  private static JsonObject object(JsonParser parser) throws IOException {
    JsonObject object = new JsonObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      object.put(name, value(parser, parser.nextToken()));
    }
    return object;
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT:
        return object(parser);
      case START_ARRAY: {
        JsonArray array = new JsonArray();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          array.add(value(parser, next));
        }
        return array;
      }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        return parser.getNumberValue();
      case VALUE_NUMBER_FLOAT:
        return parser.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected " + token + " in usage");
    }
  }
}
