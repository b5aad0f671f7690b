package io.tollgate.gateway.config;

import io.tollgate.gpu.signals.SignalSettings;

import java.util.List;
import java.util.Map;

/**
 * The reloadable part of the gateway's configuration: backends, model routes, keys and limits.
 * Immutable; a request takes the live snapshot once at its start and keeps it to the end, so a
 * reload never changes the rules under a request in flight.
 *
 * @param version        monotonically increasing; assigned when the snapshot is applied
 * @param backends       backend id → backend
 * @param models         public model name → route
 * @param keysByHash     keyed hash of the secret ("hmac-sha256:&lt;hex&gt;") → key
 * @param defaultLimits  limits for keys that set none
 * @param defaultMaxTokens tokens reserved for completion when a request names no max_tokens
 * @param orgs           org id → the org's own limits and budget (orgs not listed have none)
 * @param routing        fleet-wide load signals: scrape and health-check intervals, staleness,
 *                       outlier ejection
 */
public record ConfigSnapshot(
    long version,
    Map<String, BackendSpec> backends,
    Map<String, ModelRoute> models,
    Map<String, ApiKeySpec> keysByHash,
    LimitSpec defaultLimits,
    int defaultMaxTokens,
    Map<String, OrgSpec> orgs,
    SignalSettings routing) {

  public ConfigSnapshot {
    backends = Map.copyOf(backends);
    models = Map.copyOf(models);
    keysByHash = Map.copyOf(keysByHash);
    orgs = Map.copyOf(orgs);
    routing = routing == null ? SignalSettings.DEFAULTS : routing;
  }

  public ConfigSnapshot(long version, Map<String, BackendSpec> backends, Map<String, ModelRoute> models,
                        Map<String, ApiKeySpec> keysByHash, LimitSpec defaultLimits, int defaultMaxTokens,
                        Map<String, OrgSpec> orgs) {
    this(version, backends, models, keysByHash, defaultLimits, defaultMaxTokens, orgs, SignalSettings.DEFAULTS);
  }

  public ConfigSnapshot(long version, Map<String, BackendSpec> backends, Map<String, ModelRoute> models,
                        Map<String, ApiKeySpec> keysByHash, LimitSpec defaultLimits, int defaultMaxTokens) {
    this(version, backends, models, keysByHash, defaultLimits, defaultMaxTokens, Map.of());
  }

  public ConfigSnapshot withVersion(long newVersion) {
    return new ConfigSnapshot(newVersion, backends, models, keysByHash, defaultLimits, defaultMaxTokens, orgs,
        routing);
  }

  public ConfigSnapshot withModels(Map<String, ModelRoute> newModels) {
    return new ConfigSnapshot(version, backends, newModels, keysByHash, defaultLimits, defaultMaxTokens, orgs,
        routing);
  }

  public ConfigSnapshot withRouting(SignalSettings newRouting) {
    return new ConfigSnapshot(version, backends, models, keysByHash, defaultLimits, defaultMaxTokens, orgs,
        newRouting);
  }

  /** The org's own limits and budget; an org not listed has none. */
  public OrgSpec org(String id) {
    OrgSpec org = orgs.get(id);
    return org != null ? org : new OrgSpec(id, LimitSpec.UNLIMITED, null);
  }

  /** The backends of a route, in the route's order; ids are checked at validation. */
  public List<BackendSpec> backendsOf(ModelRoute route) {
    return route.backendIds().stream().map(backends::get).toList();
  }
}
