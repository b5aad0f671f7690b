package io.tollgate.controlplane.schema;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shapes read from the gateways' snapshot schema (config/schemas/config-snapshot.json), so that a
 * route body is held to the same fields the gateways accept, nested ones included, without a second
 * list to keep in step.
 */
public final class SnapshotShapes {

  private static final String SCHEMA = "tollgate-config/schemas/config-snapshot.json";
  private static final JsonObject DEFS = read().getJsonObject("$defs");

  private SnapshotShapes() {
  }

  /** The shape of a definition of the schema's {@code $defs} (e.g. "model"). */
  public static Shape definition(String name) {
    return shapeOf(DEFS.getJsonObject(name), 0);
  }

  private static Shape shapeOf(JsonObject schema, int depth) {
    if (schema == null || depth > 8) {
      return Shape.LEAF;
    }
    String ref = schema.getString("$ref");
    if (ref != null && ref.startsWith("#/$defs/")) {
      return shapeOf(DEFS.getJsonObject(ref.substring("#/$defs/".length())), depth + 1);
    }
    if (schema.getValue("items") instanceof JsonObject items) {
      return shapeOf(items, depth + 1); // Shape checks a list's items one by one
    }
    JsonObject properties = schema.getJsonObject("properties");
    // Only a closed object has unknown fields; an open one (a map of names to values) is free-form.
    if (properties == null || !Boolean.FALSE.equals(schema.getValue("additionalProperties"))) {
      return Shape.LEAF;
    }
    Map<String, Shape> fields = new LinkedHashMap<>();
    for (String field : properties.fieldNames()) {
      fields.put(field, shapeOf(properties.getJsonObject(field), depth + 1));
    }
    return new Shape(fields);
  }

  private static JsonObject read() {
    try (InputStream in = SnapshotShapes.class.getClassLoader().getResourceAsStream(SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA + " is not on the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
