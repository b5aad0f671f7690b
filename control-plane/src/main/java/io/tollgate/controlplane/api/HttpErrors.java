package io.tollgate.controlplane.api;

import io.tollgate.controlplane.store.StoreError;

import java.util.List;

/**
 * The one place where what went wrong becomes an HTTP answer: the API's own refusals carry their
 * status; the stores' domain errors get theirs here; anything else is a 500 (logged by the caller).
 */
final class HttpErrors {

  private HttpErrors() {
  }

  /** The answer for {@code failure}; null when it is no refusal of ours (a fault: 500). */
  static ApiError of(Throwable failure) {
    if (failure instanceof ApiError error) {
      return error;
    }
    if (failure instanceof StoreError.NotFound error) {
      return new ApiError(404, error.getMessage(), List.of());
    }
    if (failure instanceof StoreError.Conflict error) {
      return new ApiError(409, error.getMessage(), List.of());
    }
    if (failure instanceof StoreError.Invalid error) {
      return new ApiError(422, error.getMessage(), error.problems());
    }
    if (failure instanceof StoreError.Unavailable error) {
      return new ApiError(503, error.getMessage(), List.of());
    }
    return null;
  }
}
