package io.tollgate.gateway.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;

/**
 * Which backend holds each stored Responses-API response this gateway created: vLLM keeps them
 * in one API server's memory, so {@code GET /v1/responses/{id}}, its cancel, and a new response
 * continuing it ({@code previous_response_id}) must go to that backend and no other. Bounded and
 * expiring: an id this gateway did not see (another replica's, or older than the window) is
 * answered 404, as vLLM answers an id it does not hold.
 */
public final class StoredResponses {

  /** The backend that created a response, the model it was asked of, and the org it belongs to. */
  public record Owner(String backendId, String model, String org) {
  }

  private static final int MAX_ENTRIES = 200_000;
  private static final Duration KEPT_FOR = Duration.ofHours(24);

  private final Cache<String, Owner> owners = Caffeine.newBuilder()
      .maximumSize(MAX_ENTRIES)
      .expireAfterWrite(KEPT_FOR)
      .build();

  public void remember(String responseId, Owner owner) {
    if (responseId != null && !responseId.isEmpty() && owner.backendId() != null) {
      owners.put(responseId, owner);
    }
  }

  /** The owner, or null when this gateway did not create the response (or forgot it). */
  public Owner owner(String responseId) {
    return responseId == null ? null : owners.getIfPresent(responseId);
  }
}
