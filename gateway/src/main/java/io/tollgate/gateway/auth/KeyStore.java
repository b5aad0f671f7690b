package io.tollgate.gateway.auth;

import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.vertx.core.Future;

/** Finds a key record by the keyed hash of its secret. */
public interface KeyStore {

  /**
   * @return the key, or a future of null when no such key exists (or it is revoked or expired);
   *     a failed future when the store cannot answer now
   */
  Future<ApiKeySpec> find(String hash, ConfigSnapshot snapshot);

  /** Standalone mode: the keys of the config snapshot. */
  KeyStore SNAPSHOT = (hash, snapshot) -> Future.succeededFuture(snapshot.keysByHash().get(hash));
}
