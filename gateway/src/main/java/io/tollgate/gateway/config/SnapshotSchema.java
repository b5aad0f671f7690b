package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The snapshot's JSON Schema ({@code config/schemas/config-snapshot.json}, packaged under
 * {@code tollgate-config/}) and the translation of its errors into one readable line per fault.
 */
final class SnapshotSchema {

  static final String RESOURCE = "tollgate-config/schemas/config-snapshot.json";

  /** Keywords that only say "something below failed"; the leaf error below says what. */
  private static final Set<String> WRAPPER_KEYWORDS = Set.of(
      "properties", "items", "prefixItems", "$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "not",
      "patternProperties", "dependentSchemas", "if", "then", "else", "contains",
      "unevaluatedItems", "unevaluatedProperties");

  private static final Pattern QUOTED = Pattern.compile("\"(.*)\"");
  private static final int MAX_SHOWN_VALUE = 60;

  private final JsonObject schema;
  private final Validator validator;

  private SnapshotSchema(JsonObject schema) {
    this.schema = schema;
    this.validator = Validator.create(JsonSchema.of(schema.copy()), new JsonSchemaOptions()
        .setDraft(Draft.DRAFT202012)
        .setBaseUri("https://tollgate.io/schemas/")
        // Basic collects every error; Flag would stop at the first.
        .setOutputFormat(OutputFormat.Basic));
  }

  /** Loaded once, on first use, from the classpath. */
  private static final class Loaded {
    static final SnapshotSchema INSTANCE = new SnapshotSchema(readSchema());
  }

  static SnapshotSchema get() {
    return Loaded.INSTANCE;
  }

  /** A copy of the schema document. */
  JsonObject json() {
    return schema.copy();
  }

  /** One readable reason per schema violation, in document order, without duplicates. */
  List<String> errors(Object instance) {
    OutputUnit result;
    // The validator is not documented as thread-safe; validations are rare (reloads), so a lock is cheap.
    synchronized (validator) {
      result = validator.validate(instance);
    }
    if (Boolean.TRUE.equals(result.getValid()) || result.getErrors() == null) {
      return List.of();
    }
    Set<String> reasons = new LinkedHashSet<>();
    for (OutputUnit error : result.getErrors()) {
      String reason = describe(error, instance);
      if (reason != null) {
        reasons.add(reason);
      }
    }
    if (reasons.isEmpty()) {
      reasons.add(JsonPath.reason(JsonPath.ROOT, "does not match the config snapshot schema"));
    }
    return new ArrayList<>(reasons);
  }

  private String describe(OutputUnit error, Object instance) {
    String keywordLocation = nullToEmpty(error.getKeywordLocation());
    String keyword = keywordLocation.substring(keywordLocation.lastIndexOf('/') + 1);
    if (WRAPPER_KEYWORDS.contains(keyword)) {
      return null;
    }
    String instancePointer = nullToEmpty(error.getInstanceLocation());
    String path = JsonPath.fromPointer(instancePointer, instance);
    Object value = JsonPath.resolve(instance, instancePointer);
    Object keywordValue = schemaValueAt(error.getAbsoluteKeywordLocation());
    String message = nullToEmpty(error.getError());
    switch (keyword) {
      case "additionalProperties":
        if (keywordValue instanceof JsonObject) {
          // A schema for every other property (a map such as a route's weights): the property
          // is allowed, and the leaf error below says what is wrong with its value.
          return null;
        }
        // The validator also flags declared properties that failed their own schema; only
        // properties the schema does not declare are really unknown.
        String name = lastToken(instancePointer);
        JsonObject owner = schemaObjectAt(parentPointer(error.getAbsoluteKeywordLocation()));
        JsonObject declared = owner == null ? null : owner.getJsonObject("properties");
        if (declared != null && declared.containsKey(name)) {
          return null;
        }
        return JsonPath.reason(path, "unknown field");
      case "required":
        Matcher quoted = QUOTED.matcher(message);
        String missing = quoted.find() ? quoted.group(1) : message;
        return JsonPath.reason(JsonPath.field(path, missing), "is required");
      case "type":
        return JsonPath.reason(path, "must be " + expectedTypes(keywordValue) + ", got " + typeOf(value));
      case "pattern":
        return JsonPath.reason(path, "must match " + keywordValue + ", got " + show(value));
      case "minimum":
        return JsonPath.reason(path, "must be >= " + keywordValue + ", got " + show(value));
      case "exclusiveMinimum":
        return JsonPath.reason(path, "must be > " + keywordValue + ", got " + show(value));
      case "maximum":
        return JsonPath.reason(path, "must be <= " + keywordValue + ", got " + show(value));
      case "exclusiveMaximum":
        return JsonPath.reason(path, "must be < " + keywordValue + ", got " + show(value));
      case "minItems":
        return JsonPath.reason(path, "must have at least " + keywordValue + " item(s)");
      case "maxItems":
        return JsonPath.reason(path, "must have at most " + keywordValue + " item(s)");
      case "uniqueItems":
        return JsonPath.reason(path, "must not list the same value twice");
      case "minLength":
        return JsonPath.reason(path, "must be at least " + keywordValue + " character(s) long");
      case "maxLength":
        return JsonPath.reason(path, "must be at most " + keywordValue + " characters long");
      default:
        return JsonPath.reason(path, message.isEmpty() ? "is invalid (" + keyword + ")" : message);
    }
  }

  private Object schemaValueAt(String absoluteKeywordLocation) {
    if (absoluteKeywordLocation == null) {
      return null;
    }
    int hash = absoluteKeywordLocation.indexOf('#');
    return hash < 0 ? null : JsonPath.resolve(schema, absoluteKeywordLocation.substring(hash));
  }

  private JsonObject schemaObjectAt(String absoluteLocation) {
    Object value = schemaValueAt(absoluteLocation);
    return value instanceof JsonObject object ? object : null;
  }

  private static String parentPointer(String location) {
    if (location == null) {
      return null;
    }
    int slash = location.lastIndexOf('/');
    return slash < 0 ? location : location.substring(0, slash);
  }

  private static String lastToken(String pointer) {
    List<String> tokens = JsonPath.pointerTokens(pointer);
    return tokens.isEmpty() ? "" : tokens.get(tokens.size() - 1);
  }

  private static String expectedTypes(Object typeKeyword) {
    if (typeKeyword instanceof JsonArray types) {
      List<String> names = new ArrayList<>();
      types.forEach(type -> names.add(article(String.valueOf(type))));
      return String.join(" or ", names);
    }
    return article(String.valueOf(typeKeyword));
  }

  private static String article(String type) {
    return switch (type) {
      case "integer", "array", "object" -> "an " + type;
      default -> "a " + type;
    };
  }

  static String typeOf(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof String) {
      return "a string";
    } else if (value instanceof Boolean) {
      return "a boolean";
    } else if (value instanceof Number number) {
      return isIntegral(number) ? "an integer" : "a number";
    } else if (value instanceof JsonObject) {
      return "an object";
    } else if (value instanceof JsonArray) {
      return "an array";
    }
    return value.getClass().getSimpleName();
  }

  private static boolean isIntegral(Number number) {
    double d = number.doubleValue();
    return !(number instanceof Double || number instanceof Float) || d == Math.rint(d) && !Double.isInfinite(d);
  }

  /** A value as it appears in a reason; long strings are cut so a reason stays one readable line. */
  static String show(Object value) {
    if (value instanceof String text) {
      String cut = text.length() > MAX_SHOWN_VALUE ? text.substring(0, MAX_SHOWN_VALUE) + "…" : text;
      return "\"" + cut + "\"";
    }
    return String.valueOf(value);
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }

  private static JsonObject readSchema() {
    ClassLoader loader = SnapshotSchema.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + RESOURCE + " is missing from the build");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
