package io.tollgate.controlplane.api;

import io.vertx.core.json.JsonObject;

/**
 * JSON merge patch (RFC 7386): an object's fields replace the target's one by one, recursively;
 * null removes a field; anything else (a list, a number) replaces the value whole. The RFC's own
 * ten-line algorithm: no library of ours (Jackson, Vert.x) has it, and JSON-P's would bring a
 * second JSON model in for it.
 */
public final class MergePatch {

  private MergePatch() {
  }

  /** A new value: {@code target} with {@code patch} applied (neither is changed). */
  public static Object apply(Object target, Object patch) {
    if (!(patch instanceof JsonObject changes)) {
      return patch;
    }
    JsonObject result = target instanceof JsonObject object ? object.copy() : new JsonObject();
    for (String field : changes.fieldNames()) {
      Object value = changes.getValue(field);
      if (value == null) {
        result.remove(field);
      } else {
        result.put(field, apply(result.getValue(field), value));
      }
    }
    return result;
  }
}
