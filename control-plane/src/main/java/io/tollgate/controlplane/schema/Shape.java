package io.tollgate.controlplane.schema;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The fields a JSON object may have, nested: what a request body or an apply file entry is
 * checked against, so that a misspelt field ({@code dispaly}, {@code budjet}) is refused by name
 * instead of being ignored (and its value silently cleared). Leaves and free-form maps (labels,
 * weights, members) are not looked into; their values are the operation's to check.
 *
 * @param fields the known fields and the shape of each value; null for a leaf or a free-form map
 */
public record Shape(Map<String, Shape> fields) {

  /** A value not looked into (a string, a number, a list of strings, a free-form map). */
  public static final Shape LEAF = new Shape(null);

  /** An object with exactly these fields: {@code Shape.of("name", LEAF, "budget", BUDGET)}. */
  public static Shape of(Object... nameThenShape) {
    Map<String, Shape> fields = new LinkedHashMap<>();
    for (int i = 0; i < nameThenShape.length; i += 2) {
      fields.put((String) nameThenShape[i], (Shape) nameThenShape[i + 1]);
    }
    return new Shape(fields);
  }

  /** Leaves only: {@code Shape.leaves("limitUsd", "period")}. */
  public static Shape leaves(String... names) {
    Map<String, Shape> fields = new LinkedHashMap<>();
    for (String name : names) {
      fields.put(name, LEAF);
    }
    return new Shape(fields);
  }

  /** This shape with more fields (e.g. {@code version} on an update). */
  public Shape with(Object... nameThenShape) {
    Map<String, Shape> more = new LinkedHashMap<>(fields);
    more.putAll(of(nameThenShape).fields());
    return new Shape(more);
  }

  /** This shape without some fields (e.g. the id, which a path names). */
  public Shape without(String... names) {
    Map<String, Shape> fewer = new LinkedHashMap<>(fields);
    for (String name : names) {
      fewer.remove(name);
    }
    return new Shape(fewer);
  }

  /**
   * Reports every field of {@code value} (at {@code path}, e.g. "$") this shape does not know, to
   * {@code refuse(path, reason)}, with a "did you mean" where one is close. Lists of objects are
   * checked item by item.
   */
  public void check(Object value, String path, BiConsumer<String, String> refuse) {
    if (fields == null) {
      return;
    }
    if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        check(array.getValue(i), path + "[" + i + "]", refuse);
      }
      return;
    }
    if (!(value instanceof JsonObject object)) {
      return; // a wrong type is the operation's to report
    }
    for (String name : object.fieldNames()) {
      Shape field = fields.get(name);
      if (field == null) {
        refuse.accept(path + "." + name, Suggestions.unknownField(name, fields.keySet()));
      } else {
        field.check(object.getValue(name), path + "." + name, refuse);
      }
    }
  }

  /** As {@link #check}, collected: (path, reason) pairs. */
  public List<String[]> unknown(Object value, String path) {
    List<String[]> found = new ArrayList<>();
    check(value, path, (at, reason) -> found.add(new String[] {at, reason}));
    return found;
  }
}
