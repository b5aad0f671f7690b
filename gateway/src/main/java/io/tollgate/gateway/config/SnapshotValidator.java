package io.tollgate.gateway.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a raw snapshot (the {@code snapshot:} section, or a POST /admin/config body) against the
 * schema and the semantic rules, and reports every problem at once, never only the first.
 */
public final class SnapshotValidator {

  private SnapshotValidator() {
  }

  /**
   * @return human-readable reasons, each starting with the path it concerns, e.g.
   *     {@code models[0].backends[1]: unknown backend "gpu-9"}; empty when the snapshot is valid
   */
  public static List<String> validate(JsonObject snapshot) {
    if (snapshot == null) {
      return List.of(JsonPath.reason(JsonPath.ROOT, "the snapshot must be an object"));
    }
    List<String> reasons = new ArrayList<>(SnapshotSchema.get().errors(snapshot));
    SemanticRules.check(snapshot, reasons);
    return List.copyOf(reasons);
  }
}
