package io.tollgate.gateway.config;

import java.util.Set;

/**
 * An API key as the gateway knows it: never the secret, only its keyed hash.
 *
 * @param id      public, stable identifier (appears in logs and usage events)
 * @param hash    "hmac-sha256:&lt;hex&gt;" of the secret under the deployment's pepper
 * @param org     owning organisation
 * @param models  allowed public model names; "*" allows all
 * @param limits  this key's limits (the snapshot's defaults fill what the key leaves out)
 * @param budget  this key's spend limit, or null
 */
public record ApiKeySpec(String id, String hash, String org, Set<String> models, LimitSpec limits, BudgetSpec budget) {

  public ApiKeySpec {
    models = Set.copyOf(models);
  }

  public ApiKeySpec(String id, String hash, String org, Set<String> models, LimitSpec limits) {
    this(id, hash, org, models, limits, null);
  }

  public boolean allows(String model) {
    return models.contains("*") || models.contains(model);
  }
}
