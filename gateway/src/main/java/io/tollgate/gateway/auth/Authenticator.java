package io.tollgate.gateway.auth;

import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.http.ApiError;

/**
 * Authenticates a request from its {@code Authorization: Bearer} header (or OpenAI's
 * {@code api-key} header used by Azure-style clients) against the snapshot's key table.
 * The lookup is by keyed hash, so the secret never needs to be stored or compared.
 */
public final class Authenticator {

  private final KeyHasher hasher;

  public Authenticator(KeyHasher hasher) {
    this.hasher = hasher;
  }

  /** The key record, or an {@link ApiError} (401) describing why not. */
  public Result authenticate(String authorizationHeader, String apiKeyHeader, ConfigSnapshot snapshot) {
    String secret = bearer(authorizationHeader);
    if (secret == null) {
      secret = apiKeyHeader == null || apiKeyHeader.isBlank() ? null : apiKeyHeader.trim();
    }
    if (secret == null) {
      return new Result(null, ApiError.missingKey());
    }
    ApiKeySpec key = snapshot.keysByHash().get(hasher.hash(secret));
    return key == null ? new Result(null, ApiError.invalidKey()) : new Result(key, null);
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
  public record Result(ApiKeySpec key, ApiError error) {
  }
}
