package io.tollgate.controlplane.store;

import java.util.List;

/**
 * What a store refuses, in the domain's words; the API maps each kind to its HTTP status in one
 * place (api/HttpErrors). Stack traces are not kept: these are answers, not faults.
 */
public abstract sealed class StoreError extends RuntimeException
    permits StoreError.NotFound, StoreError.Conflict, StoreError.Invalid, StoreError.Unavailable {

  private StoreError(String message) {
    super(message, null, false, false);
  }

  /** The thing named does not exist ("org acme"). */
  public static final class NotFound extends StoreError {
    public NotFound(String what) {
      super(what + " not found");
    }
  }

  /** It exists already, or moved on since it was read. */
  public static final class Conflict extends StoreError {
    public Conflict(String message) {
      super(message);
    }
  }

  /** The change would leave something invalid: every problem, by path. */
  public static final class Invalid extends StoreError {
    private final List<Problem> problems;

    public Invalid(String message, List<Problem> problems) {
      super(message);
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }
  }

  /** A dependency the change needs is away; nothing was changed. */
  public static final class Unavailable extends StoreError {
    public Unavailable(String message) {
      super(message);
    }
  }
}
