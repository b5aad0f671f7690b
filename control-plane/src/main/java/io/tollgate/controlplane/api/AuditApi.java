package io.tollgate.controlplane.api;

import io.tollgate.controlplane.store.Problem;
import io.tollgate.controlplane.store.AuditStore;
import io.tollgate.controlplane.audit.AuditQuery;
import io.tollgate.controlplane.auth.Role.Permission;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.sqlclient.Pool;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The audit trail, a page at a time, newest first: the whole log (platform admins) or one org's
 * (its owners, admins and viewers). Filters: actor, action, target (exact, or a prefix ending in
 * *), since and until (ISO-8601 instants), and {@code before} (the previous page's {@code next}).
 */
final class AuditApi {

  private final Pool pool;

  AuditApi(Pool pool) {
    this.pool = pool;
  }

  Future<Reply> all(Call call) {
    call.requirePlatformAdmin();
    AuditQuery query = query(call);
    return AuditStore.read(pool, query).map(page -> Reply.ok(page.toJson()));
  }

  Future<Reply> org(Call call) {
    String org = call.param("org");
    call.require(org, Permission.AUDIT_READ);
    AuditQuery query = query(call).inOrg(org);
    return OrgsApi.read(pool, org).compose(o -> AuditStore.read(pool, query)).map(page -> Reply.ok(page.toJson()));
  }

  /** The query parameters, every bad one refused (400) with the reason. */
  static AuditQuery query(Call call) {
    MultiMap params = call.context().queryParams();
    Fields fields = new Fields(new io.vertx.core.json.JsonObject());
    Instant since = instant(params.get("since"), "since", fields);
    Instant until = instant(params.get("until"), "until", fields);
    Long before = null;
    if (params.get("before") != null) {
      try {
        before = Long.parseLong(params.get("before"));
      } catch (NumberFormatException e) {
        fields.refuse("before", "must be the next of the previous page (a number)");
      }
    }
    int limit = AuditQuery.DEFAULT_LIMIT;
    if (params.get("limit") != null) {
      try {
        limit = Integer.parseInt(params.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
        fields.refuse("limit", "must be a number from 1 to " + AuditQuery.MAX_LIMIT + " (page with before)");
      }
    }
    List<Problem> errors = fields.errors();
    if (!errors.isEmpty()) {
      throw new ApiError(400, "invalid query: " + errors.size() + " parameter(s) refused", errors);
    }
    return new AuditQuery(blankToNull(params.get("actor")), blankToNull(params.get("action")),
        blankToNull(params.get("target")), since, until, before, null, limit);
  }

  private static Instant instant(String text, String name, Fields fields) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      fields.refuse(name, "must be an ISO-8601 instant, e.g. 2027-01-01T00:00:00Z");
      return null;
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
