package io.tollgate.controlplane.api;

import io.tollgate.controlplane.store.Problem;
import io.tollgate.controlplane.schema.Shape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads a request body's fields and collects every refusal (not just the first) with its path. */
public final class Fields {

  private static final Pattern SLUG = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  private final JsonObject body;
  /** Where the body sits in the document the caller sent: "$" for a request body, "$.routes[2]" in an apply file. */
  private final String root;
  private final List<Problem> errors = new ArrayList<>();

  public Fields(JsonObject body) {
    this(body, "$");
  }

  public Fields(JsonObject body, String root) {
    this.body = body;
    this.root = root;
  }

  public JsonObject body() {
    return body;
  }

  /**
   * Refuses every field of the body this shape does not know, by path, with a "did you mean" where
   * a known one is close: a misspelt field is an error, never silently ignored.
   */
  public Fields strict(Shape shape) {
    shape.check(body, "$", this::refusePath);
    return this;
  }

  public String slug(String name, boolean required) {
    String value = string(name, required);
    if (value != null && !SLUG.matcher(value).matches()) {
      refuse(name, "must be 1 to 64 letters, digits or . _ - (got \"" + value + "\")");
    }
    return value;
  }

  public String string(String name, boolean required) {
    Object value = body.getValue(name);
    if (value == null) {
      if (required) {
        refuse(name, "is required");
      }
      return null;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      refuse(name, "must be a non-empty string");
      return null;
    }
    return s;
  }

  public Integer nonNegativeInt(JsonObject object, String parentPath, String name) {
    Object value = object == null ? null : object.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0
        || n.longValue() > Integer.MAX_VALUE) {
      refusePath(parentPath + "." + name, "must be an integer >= 0");
      return null;
    }
    return n.intValue();
  }

  public Double nonNegativeNumber(JsonObject object, String parentPath, String name, boolean required) {
    Object value = object == null ? null : object.getValue(name);
    if (value == null) {
      if (required) {
        refusePath(parentPath + "." + name, "is required");
      }
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() < 0) {
      refusePath(parentPath + "." + name, "must be a number >= 0");
      return null;
    }
    return n.doubleValue();
  }

  public JsonObject object(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject o)) {
      refuse(name, "must be an object");
      return null;
    }
    return o;
  }

  public JsonArray stringArray(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      refuse(name, "must be a non-empty array of strings");
      return null;
    }
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String)) {
        refusePath("$." + name + "[" + i + "]", "must be a string");
      }
    }
    return array;
  }

  public String oneOf(JsonObject object, String parentPath, String name, List<String> allowed, String fallback) {
    Object value = object == null ? null : object.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (!allowed.contains(value)) {
      refusePath(parentPath + "." + name, "must be one of " + allowed);
      return fallback;
    }
    return (String) value;
  }

  public void refuse(String name, String reason) {
    refusePath("$." + name, reason);
  }

  /** @param path from the body's root, "$.limits.requestsPerMinute" (placed under this body's root) */
  public void refusePath(String path, String reason) {
    errors.add(new Problem(path.startsWith("$") ? root + path.substring(1) : path, reason));
  }

  /** Every refusal collected so far. */
  public List<Problem> errors() {
    return List.copyOf(errors);
  }

  /** Throws 422 with every refusal collected so far. */
  public void check() {
    if (!errors.isEmpty()) {
      throw ApiError.invalid(errors);
    }
  }
}
