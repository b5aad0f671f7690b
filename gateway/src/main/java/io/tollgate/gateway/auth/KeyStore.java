package io.tollgate.gateway.auth;

import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.vertx.core.Future;

/** Finds a key record by the keyed hash of its secret. */
public interface KeyStore {

  /**
   * @return what the store knows of the key: usable, unknown, expired or revoked; a failed future
   *     when the store cannot answer now
   */
  Future<Lookup> find(String hash, ConfigSnapshot snapshot);

  /** Standalone mode: the keys of the config snapshot. */
  KeyStore SNAPSHOT = (hash, snapshot) -> Future.succeededFuture(Lookup.of(snapshot.keysByHash().get(hash)));

  /** A lookup's answer. The key is set only when {@link State#USABLE}. */
  record Lookup(State state, ApiKeySpec key) {

    public enum State { USABLE, UNKNOWN, EXPIRED, REVOKED }

    public static final Lookup UNKNOWN = new Lookup(State.UNKNOWN, null);
    public static final Lookup EXPIRED = new Lookup(State.EXPIRED, null);
    public static final Lookup REVOKED = new Lookup(State.REVOKED, null);

    /** A key found (usable) or not (unknown). */
    public static Lookup of(ApiKeySpec key) {
      return key == null ? UNKNOWN : new Lookup(State.USABLE, key);
    }
  }
}
