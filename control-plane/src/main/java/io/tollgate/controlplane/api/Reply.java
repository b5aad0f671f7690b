package io.tollgate.controlplane.api;

/** A successful answer: a status and a JSON body (JsonObject, JsonArray or null for 204). */
public record Reply(int status, Object body) {

  public static Reply ok(Object body) {
    return new Reply(200, body);
  }

  public static Reply created(Object body) {
    return new Reply(201, body);
  }

  public static Reply noContent() {
    return new Reply(204, null);
  }

  /** The operation answered itself (a streamed body): nothing more to send. */
  public static Reply answered() {
    return new Reply(0, null);
  }

  public boolean alreadyAnswered() {
    return status == 0;
  }
}
