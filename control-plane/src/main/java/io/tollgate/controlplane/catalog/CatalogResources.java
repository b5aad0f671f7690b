package io.tollgate.controlplane.catalog;

import io.tollgate.controlplane.api.Fields;
import io.tollgate.controlplane.schema.Bodies;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Set;

/** The four catalogue kinds; their semantic checks happen on the whole snapshot they produce. */
final class CatalogResources {

  private CatalogResources() {
  }

  static final CatalogResource BACKENDS = new CatalogResource("backend", "backends", "backends", "name", "id",
      "jsonb_build_object('id', name, 'url', url, 'labels', labels, 'version', version)",
      (fields, creating) -> {
        LinkedHashMap<String, Object> columns = new LinkedHashMap<>();
        String url = fields.string("url", true);
        if (url != null && !url.matches("^https?://[^\\s/?#@]+(/[^\\s?#]*)?$")) {
          fields.refuse("url", "must be an http(s) base URL without query or fragment");
        }
        columns.put("url", url);
        JsonObject labels = fields.object("labels");
        columns.put("labels", labels == null ? new JsonObject() : labels);
        return columns;
      }, Bodies.BACKEND);

  static final CatalogResource MODELS = new CatalogResource("model", "models", "models", "name", "name",
      "jsonb_build_object('name', name, 'prices', jsonb_build_object('promptPerMillion', prompt_per_million, "
          + "'completionPerMillion', completion_per_million), 'version', version)",
      (fields, creating) -> {
        LinkedHashMap<String, Object> columns = new LinkedHashMap<>();
        JsonObject prices = fields.object("prices");
        if (prices == null) {
          fields.refuse("prices", "is required: {promptPerMillion, completionPerMillion} in USD");
        }
        columns.put("prompt_per_million", fields.nonNegativeNumber(prices, "$.prices", "promptPerMillion", prices != null));
        columns.put("completion_per_million",
            fields.nonNegativeNumber(prices, "$.prices", "completionPerMillion", prices != null));
        return columns;
      }, Bodies.MODEL);

  /** Fields of a route that are the model's own, not the route's. */
  private static final Set<String> NOT_ROUTE = Set.of("model", "name", "prices", "version");

  static final CatalogResource ROUTES = new CatalogResource("route", "routes", "routes", "model", "model",
      "(spec || jsonb_build_object('model', model, 'version', version))",
      (fields, creating) -> {
        LinkedHashMap<String, Object> columns = new LinkedHashMap<>();
        JsonObject spec = new JsonObject();
        fields.body().forEach(entry -> {
          if (!NOT_ROUTE.contains(entry.getKey())) {
            spec.put(entry.getKey(), entry.getValue());
          }
        });
        if (!spec.containsKey("backends")) {
          fields.refuse("backends", "is required: ids of the backends that serve the model");
        }
        // Everything else is checked on the snapshot this route produces (schema and semantics).
        columns.put("spec", spec);
        return columns;
      }, Bodies.ROUTE);

  static final CatalogResource POLICIES = new CatalogResource("policy", "policies", "limit_policies", "name", "name",
      "jsonb_build_object('name', name, 'limits', jsonb_strip_nulls(jsonb_build_object("
          + "'requestsPerMinute', requests_per_minute, 'tokensPerMinute', tokens_per_minute, "
          + "'maxConcurrentStreams', max_concurrent_streams)), 'version', version)",
      (fields, creating) -> {
        LinkedHashMap<String, Object> columns = new LinkedHashMap<>();
        JsonObject limits = fields.object("limits");
        if (limits == null) {
          fields.refuse("limits", "is required");
        }
        columns.put("requests_per_minute", fields.nonNegativeInt(limits, "$.limits", "requestsPerMinute"));
        columns.put("tokens_per_minute", fields.nonNegativeInt(limits, "$.limits", "tokensPerMinute"));
        columns.put("max_concurrent_streams", fields.nonNegativeInt(limits, "$.limits", "maxConcurrentStreams"));
        return columns;
      }, Bodies.POLICY);
}
