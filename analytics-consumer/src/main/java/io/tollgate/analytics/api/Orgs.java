package io.tollgate.analytics.api;

import io.tollgate.analytics.identity.Access;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.tollgate.analytics.store.UsageQueries;

/**
 * Which orgs a caller may ask about: those it may read (its {@link Access}) that have at least one
 * usage event. (Orgs themselves live in the control plane; here an org without usage is
 * indistinguishable from a typo, and both get 404, as does an org the caller may not read: its
 * existence does not leak, as on the control plane's org routes.)
 */
final class Orgs {

  private final Pool pool;

  Orgs(Pool pool) {
    this.pool = pool;
  }

  /** Fails with 404 when the caller may not read the org or it has no usage at all. */
  Future<Void> requireReadable(Access access, String org) {
    if (!access.mayRead(org)) {
      return Future.failedFuture(unknown(org));
    }
    return UsageQueries.orgKnown(pool, org)
        .compose(known -> known ? Future.succeededFuture() : Future.failedFuture(unknown(org)));
  }

  private static ApiError unknown(String org) {
    return ApiError.notFound("unknown_org", "no usage was ever recorded for org \"" + org + "\"");
  }
}
