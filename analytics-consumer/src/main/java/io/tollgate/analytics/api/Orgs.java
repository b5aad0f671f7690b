package io.tollgate.analytics.api;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.tollgate.analytics.store.UsageQueries;

/**
 * Which orgs the store knows: those with at least one usage event. (Orgs themselves live in the
 * control plane; here an org without usage is indistinguishable from a typo, and both get 404.)
 */
final class Orgs {

  private final Pool pool;

  Orgs(Pool pool) {
    this.pool = pool;
  }

  /** Fails with 404 when the org has no usage at all. The daily rollup's key starts with org_id. */
  Future<Void> requireKnown(String org) {
    return UsageQueries.orgKnown(pool, org)
        .compose(known -> known
            ? Future.succeededFuture()
            : Future.failedFuture(ApiError.notFound("unknown_org", "no usage was ever recorded for org \"" + org + "\"")));
  }
}
