package io.tollgate.controlplane.audit;

import io.vertx.core.json.JsonObject;

/**
 * The append-only audit log's entries: who did what to which target, before and after, under which
 * request id. Written by store/AuditStore, in the change's own transaction.
 */
public final class Audit {

  private Audit() {
  }

  public record Entry(String actor, String action, String target, JsonObject before, JsonObject after,
                      String requestId) {
  }
}
