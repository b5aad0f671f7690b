package io.tollgate.controlplane.api;

import io.tollgate.controlplane.snapshot.SnapshotStore;
import io.tollgate.controlplane.store.ConfigVersionStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * Config versions, for platform admins and config readers (a snapshot holds every org's budgets,
 * limits and backend URLs): the latest, one by number, and the list (numbers, when, by whom).
 */
final class ConfigApi {

  private final Pool pool;
  private final SnapshotStore snapshots;

  ConfigApi(Pool pool, SnapshotStore snapshots) {
    this.pool = pool;
    this.snapshots = snapshots;
  }

  Future<Reply> latest(Call call) {
    call.requireConfigReader();
    return snapshots.latest(pool).map(Reply::ok);
  }

  Future<Reply> version(Call call) {
    call.requireConfigReader();
    long version;
    try {
      version = Long.parseLong(call.param("version"));
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("version must be a number");
    }
    return snapshots.version(pool, version).map(Reply::ok);
  }

  /** Newest first, {@code limit} (1–500, default 100) at a time, those before {@code before} (a version number). */
  Future<Reply> list(Call call) {
    call.requireConfigReader();
    long before = queryLong(call, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    int limit = (int) queryLong(call, "limit", 100, 1, 500);
    return ConfigVersionStore.list(pool, before, limit).map(Reply::ok);
  }

  /** A whole-number query parameter within [min, max], {@code fallback} when absent; else 400 in words. */
  private static long queryLong(Call call, String name, long fallback, long min, long max) {
    String text = call.context().request().getParam(name);
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max + " (got \"" + text + "\")");
  }
}
