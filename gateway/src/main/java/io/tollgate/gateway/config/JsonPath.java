package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** Paths in reasons are written the way a person reads a config: {@code models[0].backends[1]}. */
final class JsonPath {

  static final String ROOT = "";

  private JsonPath() {
  }

  static String field(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** The path as shown to people; the root has no name of its own. */
  static String display(String path) {
    return path.isEmpty() ? "(root)" : path;
  }

  /** A reason line: {@code path: problem}. */
  static String reason(String path, String problem) {
    return display(path) + ": " + problem;
  }

  /** Tokens of a JSON pointer such as {@code #/models/0/name} (the leading '#' is optional). */
  static List<String> pointerTokens(String pointer) {
    List<String> tokens = new ArrayList<>();
    String body = pointer.startsWith("#") ? pointer.substring(1) : pointer;
    if (body.isEmpty() || "/".equals(body)) {
      return tokens;
    }
    for (String raw : body.substring(1).split("/", -1)) {
      tokens.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  /** Converts a JSON pointer into the readable form, using the document to tell arrays from objects. */
  static String fromPointer(String pointer, Object document) {
    String path = ROOT;
    Object node = document;
    for (String token : pointerTokens(pointer)) {
      if (node instanceof JsonArray array) {
        int index = parseIndex(token);
        path = index(path, index);
        node = index >= 0 && index < array.size() ? array.getValue(index) : null;
      } else {
        path = field(path, token);
        node = node instanceof JsonObject object ? object.getValue(token) : null;
      }
    }
    return path;
  }

  /** The value a JSON pointer points at, or null when there is none. */
  static Object resolve(Object document, String pointer) {
    Object node = document;
    for (String token : pointerTokens(pointer)) {
      if (node instanceof JsonArray array) {
        int index = parseIndex(token);
        node = index >= 0 && index < array.size() ? array.getValue(index) : null;
      } else if (node instanceof JsonObject object) {
        node = object.getValue(token);
      } else {
        return null;
      }
    }
    return node;
  }

  private static int parseIndex(String token) {
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
