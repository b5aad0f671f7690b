package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in string values with the environment's
 * values, shell style: the default applies when VAR is unset or empty; a {@code ${VAR}} without a
 * default whose VAR is unset is an error (a silent empty secret is worse than a refusal).
 * Substituted text is not interpolated again.
 */
final class EnvInterpolation {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private final Map<String, String> env;
  private final List<String> reasons;

  private EnvInterpolation(Map<String, String> env, List<String> reasons) {
    this.env = env;
    this.reasons = reasons;
  }

  /** Interpolates {@code document} in place; an unresolvable reference adds a reason. */
  static void apply(JsonObject document, Map<String, String> env, List<String> reasons) {
    new EnvInterpolation(env, reasons).object(document, JsonPath.ROOT);
  }

  private void object(JsonObject object, String path) {
    for (String name : object.fieldNames().toArray(new String[0])) {
      Object value = object.getValue(name);
      String childPath = JsonPath.field(path, name);
      if (value instanceof String text) {
        object.put(name, string(text, childPath));
      } else {
        nested(value, childPath);
      }
    }
  }

  private void array(JsonArray array, String path) {
    for (int i = 0; i < array.size(); i++) {
      Object value = array.getValue(i);
      String childPath = JsonPath.index(path, i);
      if (value instanceof String text) {
        array.set(i, string(text, childPath));
      } else {
        nested(value, childPath);
      }
    }
  }

  private void nested(Object value, String path) {
    if (value instanceof JsonObject object) {
      object(object, path);
    } else if (value instanceof JsonArray array) {
      array(array, path);
    }
  }

  private String string(String text, String path) {
    if (!text.contains("${")) {
      return text;
    }
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value = env.get(name);
      boolean hasDefault = matcher.group(2) != null;
      String replacement;
      if (hasDefault) {
        replacement = value == null || value.isEmpty() ? matcher.group(3) : value;
      } else if (value != null) {
        replacement = value;
      } else {
        reasons.add(JsonPath.reason(path, "environment variable " + name
            + " is not set (write ${" + name + ":-default} to give a default)"));
        replacement = matcher.group(); // left as written: the load fails anyway, and "" would add noise
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
