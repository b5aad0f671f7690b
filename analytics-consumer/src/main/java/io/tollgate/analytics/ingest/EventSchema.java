package io.tollgate.analytics.ingest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * config/schemas/usage-event.json compiled into direct checks, because a general JSON Schema
 * validator costs ~75 µs an event and ingest needs a few. It reads the schema file itself (the one
 * the gateway tests against), so the rules are still the file's; it supports exactly the keywords
 * the file uses, and refuses to start on a schema that uses any other, so a schema change can never
 * be silently ignored. EventSchemaTest checks it against a general validator on valid and invalid
 * events.
 */
final class EventSchema {

  private static final Set<String> ROOT_KEYWORDS = Set.of("$schema", "$id", "title", "description", "type",
      "required", "properties");
  private static final Set<String> FIELD_KEYWORDS = Set.of("description", "type", "minimum", "maximum",
      "minLength", "maxLength", "pattern", "format");

  private record Field(String name, Set<String> types, Double minimum, Double maximum, Integer minLength,
                       Integer maxLength, Pattern pattern) {
  }

  private final List<String> required;
  private final Map<String, Field> fields;

  private EventSchema(List<String> required, Map<String, Field> fields) {
    this.required = required;
    this.fields = fields;
  }

  static EventSchema compile(JsonObject schema) {
    unknown(schema, ROOT_KEYWORDS, "the schema root");
    if (!"object".equals(schema.getValue("type"))) {
      throw new IllegalStateException("usage-event.json: the root must be of type object");
    }
    Map<String, Field> fields = new LinkedHashMap<>();
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    for (String name : properties.fieldNames()) {
      JsonObject property = properties.getJsonObject(name);
      unknown(property, FIELD_KEYWORDS, "property " + name);
      Object type = property.getValue("type");
      Set<String> types = type instanceof JsonArray list ? Set.copyOf(list.getList()) : Set.of(String.valueOf(type));
      fields.put(name, new Field(name, types, bound(property.getValue("minimum")), bound(property.getValue("maximum")),
          property.getInteger("minLength"), property.getInteger("maxLength"),
          property.getString("pattern") == null ? null : Pattern.compile(property.getString("pattern"))));
    }
    List<String> required = new ArrayList<>();
    schema.getJsonArray("required", new JsonArray()).forEach(name -> required.add((String) name));
    return new EventSchema(List.copyOf(required), fields);
  }

  private static void unknown(JsonObject object, Set<String> known, String where) {
    for (String keyword : object.fieldNames()) {
      if (!known.contains(keyword)) {
        throw new IllegalStateException("usage-event.json: keyword \"" + keyword + "\" in " + where
            + " is not supported by the consumer's compiled checks; extend EventSchema");
      }
    }
  }

  /** Bounds in the file are small whole numbers: exact as doubles. */
  private static Double bound(Object value) {
    return value == null ? null : ((Number) value).doubleValue();
  }

  /** Every rule the event breaks, in schema order; empty when it is a valid usage event. */
  List<String> violations(JsonObject event) {
    List<String> violations = new ArrayList<>();
    for (String name : required) {
      if (!event.containsKey(name)) {
        violations.add(name + ": required");
      }
    }
    for (Field field : fields.values()) {
      if (event.containsKey(field.name())) {
        check(field, event.getValue(field.name()), violations);
      }
    }
    return violations;
  }

  private static void check(Field field, Object value, List<String> violations) {
    String type = typeOf(value);
    if (!field.types().contains(type) && !("integer".equals(type) && field.types().contains("number"))) {
      violations.add(field.name() + ": must be " + String.join(" or ", field.types().stream().sorted().toList())
          + ", got " + type);
      return;
    }
    if (value instanceof Number number) {
      double d = number.doubleValue();
      if (field.minimum() != null && d < field.minimum()) {
        violations.add(field.name() + ": " + number + " is less than " + field.minimum().longValue());
      }
      if (field.maximum() != null && d > field.maximum()) {
        violations.add(field.name() + ": " + number + " is more than " + field.maximum().longValue());
      }
    } else if (value instanceof String text) {
      int length = text.codePointCount(0, text.length());
      if (field.minLength() != null && length < field.minLength()) {
        violations.add(field.name() + ": shorter than " + field.minLength());
      }
      if (field.maxLength() != null && length > field.maxLength()) {
        violations.add(field.name() + ": longer than " + field.maxLength());
      }
      if (field.pattern() != null && !field.pattern().matcher(text).find()) {
        violations.add(field.name() + ": does not match " + field.pattern().pattern());
      }
    }
  }

  /** The JSON Schema type of a decoded value; a number with no fraction is an integer. */
  private static String typeOf(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof String) {
      return "string";
    } else if (value instanceof Boolean) {
      return "boolean";
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof java.math.BigInteger) {
      return "integer";
    } else if (value instanceof Number number) {
      double d = number.doubleValue();
      return !Double.isInfinite(d) && d == Math.rint(d) ? "integer" : "number";
    } else if (value instanceof JsonObject) {
      return "object";
    } else if (value instanceof JsonArray) {
      return "array";
    }
    return value.getClass().getSimpleName();
  }

  /**
   * The event with every string longer than its field's maxLength cut to it (in code points, never
   * inside a pair), for the dead-letter replay's repair of events gateways made before they bounded
   * them. Other violations are left for the parser to refuse again.
   */
  JsonObject truncateBounded(JsonObject event) {
    JsonObject repaired = event.copy();
    for (Field field : fields.values()) {
      if (field.maxLength() != null && repaired.getValue(field.name()) instanceof String text
          && text.codePointCount(0, text.length()) > field.maxLength()) {
        repaired.put(field.name(), text.substring(0, text.offsetByCodePoints(0, field.maxLength())));
      }
    }
    return repaired;
  }
}
