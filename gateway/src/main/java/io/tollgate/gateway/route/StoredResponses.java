package io.tollgate.gateway.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;

import java.time.Duration;

/**
 * Which backend holds each stored Responses-API response: vLLM keeps them in one API server's
 * memory, so {@code GET /v1/responses/{id}}, its cancel, and a new response continuing it
 * ({@code previous_response_id}) must go to that backend and no other. Known here for the responses
 * this gateway created (bounded, expiring) and, in platform mode, for every replica's through a
 * shared {@link Directory} (Redis), so that a follow-up reaching another replica finds its backend.
 * An id nobody knows is answered 404, as vLLM answers an id it does not hold.
 */
public final class StoredResponses {

  /** The backend that created a response, the model it was asked of, and the org it belongs to. */
  public record Owner(String backendId, String model, String org) {
  }

  /** Where replicas share what they learned (platform mode); {@link #NONE} in standalone mode. */
  public interface Directory {
    Future<Void> put(String responseId, Owner owner, Duration keptFor);

    /** The owner, or null when unknown; fails when the directory cannot answer. */
    Future<Owner> get(String responseId);

    Directory NONE = new Directory() {
      @Override
      public Future<Void> put(String responseId, Owner owner, Duration keptFor) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Owner> get(String responseId) {
        return Future.succeededFuture();
      }
    };
  }

  private static final int MAX_ENTRIES = 200_000;
  /** Longer ids are not remembered: vLLM's are resp_ and 32 hex digits; a client's request_id could be anything. */
  private static final int MAX_ID_LENGTH = 256;
  static final Duration KEPT_FOR = Duration.ofHours(24);

  private final Directory shared;
  private final Cache<String, Owner> owners = Caffeine.newBuilder()
      .maximumSize(MAX_ENTRIES)
      .expireAfterWrite(KEPT_FOR)
      .build();

  public StoredResponses() {
    this(Directory.NONE);
  }

  public StoredResponses(Directory shared) {
    this.shared = shared;
  }

  /** Completes once the replicas' directory has it (or could not take it: a follow-up elsewhere then gets 404). */
  public Future<Void> remember(String responseId, Owner owner) {
    if (responseId == null || responseId.isEmpty() || responseId.length() > MAX_ID_LENGTH
        || owner.backendId() == null) {
      return Future.succeededFuture();
    }
    owners.put(responseId, owner);
    return shared.put(responseId, owner, KEPT_FOR);
  }

  /**
   * The owner, or null when no replica created the response (or all forgot it). A directory that
   * cannot answer counts as not knowing: the caller gets 404, as from a backend that lost it.
   */
  public Future<Owner> find(String responseId) {
    if (responseId == null || responseId.length() > MAX_ID_LENGTH) {
      return Future.succeededFuture();
    }
    Owner local = owners.getIfPresent(responseId);
    if (local != null) {
      return Future.succeededFuture(local);
    }
    return shared.get(responseId)
        .map(owner -> {
          if (owner != null) {
            owners.put(responseId, owner);
          }
          return owner;
        })
        .otherwise((Owner) null);
  }
}
