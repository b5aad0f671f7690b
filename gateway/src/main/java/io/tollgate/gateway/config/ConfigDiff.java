package io.tollgate.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a reload changed, for the admin API's answer and the log:
 * <pre>{@code
 * {"backends": {"added": [...], "removed": [...], "changed": [...]},
 *  "models":   {"added": [...], "removed": [...], "changed": [...]},
 *  "keys":     {"added": [...], "removed": [...], "changed": [...]},
 *  "defaultsChanged": false,
 *  "routingChanged": false}
 * }</pre>
 * Backends by id, models by name (any field, routing ones included), keys by id (a key whose hash
 * changed was rotated: "changed"); routingChanged covers the fleet-wide {@code routing} section.
 * Lists are sorted.
 */
public final class ConfigDiff {

  private ConfigDiff() {
  }

  public static JsonObject between(ConfigSnapshot before, ConfigSnapshot after) {
    return new JsonObject()
        .put("backends", compare(before.backends(), after.backends()))
        .put("models", compare(before.models(), after.models()))
        .put("keys", compare(byId(before), byId(after)))
        .put("defaultsChanged", !before.defaultLimits().equals(after.defaultLimits())
            || before.defaultMaxTokens() != after.defaultMaxTokens())
        .put("routingChanged", !before.routing().equals(after.routing()));
  }

  /** True when the summary lists no change at all. */
  public static boolean isEmpty(JsonObject diff) {
    for (String section : new String[] {"backends", "models", "keys"}) {
      JsonObject lists = diff.getJsonObject(section);
      for (String kind : new String[] {"added", "removed", "changed"}) {
        if (!lists.getJsonArray(kind).isEmpty()) {
          return false;
        }
      }
    }
    return !diff.getBoolean("defaultsChanged") && !diff.getBoolean("routingChanged", false);
  }

  private static Map<String, ApiKeySpec> byId(ConfigSnapshot snapshot) {
    return snapshot.keysByHash().values().stream()
        .collect(Collectors.toMap(ApiKeySpec::id, Function.identity()));
  }

  private static <V> JsonObject compare(Map<String, V> before, Map<String, V> after) {
    TreeSet<String> added = new TreeSet<>();
    TreeSet<String> removed = new TreeSet<>();
    TreeSet<String> changed = new TreeSet<>();
    after.forEach((id, value) -> {
      V old = before.get(id);
      if (old == null) {
        added.add(id);
      } else if (!old.equals(value)) {
        changed.add(id);
      }
    });
    before.keySet().stream().filter(id -> !after.containsKey(id)).forEach(removed::add);
    return new JsonObject()
        .put("added", new JsonArray(added.stream().toList()))
        .put("removed", new JsonArray(removed.stream().toList()))
        .put("changed", new JsonArray(changed.stream().toList()));
  }
}
