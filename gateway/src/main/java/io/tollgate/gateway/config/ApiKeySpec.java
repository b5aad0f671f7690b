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
 */
public record ApiKeySpec(String id, String hash, String org, Set<String> models, LimitSpec limits) {

  public ApiKeySpec {
    models = Set.copyOf(models);
  }

  public boolean allows(String model) {
    return models.contains("*") || models.contains(model);
  }
}
