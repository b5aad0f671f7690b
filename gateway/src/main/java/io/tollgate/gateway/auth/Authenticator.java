package io.tollgate.gateway.auth;

import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.outcome.Refusal;
import io.vertx.core.Future;

/**
 * Authenticates a request from its {@code Authorization: Bearer} header (or the {@code api-key}
 * header Azure-style clients send) against a {@link KeyStore}. The lookup is by keyed hash, so the
 * secret is never stored or compared.
 */
public final class Authenticator {

  private final KeyHasher hasher;
  private final KeyStore store;

  public Authenticator(KeyHasher hasher, KeyStore store) {
    this.hasher = hasher;
    this.store = store;
  }

  public Authenticator(KeyHasher hasher) {
    this(hasher, KeyStore.SNAPSHOT);
  }

  /** The key record, or an {@link Refusal} (401 unknown, expired or revoked; 503 when the key store cannot answer). */
  public Future<Result> authenticate(String authorizationHeader, String apiKeyHeader, ConfigSnapshot snapshot) {
    String secret = bearer(authorizationHeader);
    if (secret == null) {
      secret = apiKeyHeader == null || apiKeyHeader.isBlank() ? null : apiKeyHeader.trim();
    }
    if (secret == null) {
      return Future.succeededFuture(new Result(null, Refusal.missingKey()));
    }
    return store.find(hasher.hash(secret), snapshot)
        .map(lookup -> switch (lookup.state()) {
          case USABLE -> new Result(lookup.key(), null);
          case EXPIRED -> new Result(null, Refusal.keyExpired());
          case REVOKED -> new Result(null, Refusal.keyRevoked());
          case UNKNOWN -> new Result(null, Refusal.invalidKey());
        })
        .otherwise(failure -> new Result(null, Refusal.keyStoreUnavailable()));
  }

  private static String bearer(String header) {
    if (header == null) {
      return null;
    }
    String trimmed = header.trim();
    if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = trimmed.substring(7).trim();
      return token.isEmpty() ? null : token;
    }
    return null;
  }

  /** Exactly one of key and error is set. */
  public record Result(ApiKeySpec key, Refusal error) {
  }
}
