package io.tollgate.controlplane.snapshot;

import io.tollgate.controlplane.store.ConfigVersionStore;
import io.tollgate.controlplane.store.Problem;
import io.tollgate.controlplane.store.SnapshotSource;
import io.tollgate.controlplane.store.StoreError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

import java.util.List;

/**
 * Config versions: after each catalogue change, inside its transaction, the snapshot is rebuilt,
 * checked (a refusal rolls the whole change back, with every reason), and stored as the next
 * version if it differs from the latest. Stored versions are immutable (a trigger refuses changes).
 */
public final class SnapshotStore {

  private final SnapshotRules rules = new SnapshotRules();

  private record Checked(JsonObject snapshot, List<Problem> errors) {
  }

  /** The new version, or null when the change did not alter the snapshot. */
  public Future<Long> refresh(SqlConnection tx, String actor) {
    // One writer of versions at a time: the next version number is max + 1.
    return ConfigVersionStore.lock(tx)
        .compose(locked -> SnapshotSource.build(tx))
        // Schema validation is CPU work: off the event loop.
        .compose(snapshot -> io.vertx.core.Vertx.currentContext().owner()
            .executeBlocking(() -> rules.check(snapshot), false).map(errors -> new Checked(snapshot, errors)))
        .compose(checked -> {
          if (!checked.errors().isEmpty()) {
            return Future.failedFuture(new StoreError.Invalid("the change makes an invalid config: "
                + checked.errors().size() + " problem(s); nothing was changed", checked.errors()));
          }
          return ConfigVersionStore.storeIfChanged(tx, checked.snapshot(), actor);
        });
  }

  /** {"version", "createdAt", "createdBy", "snapshot"} of the latest version; NotFound before the first. */
  public Future<JsonObject> latest(SqlClient client) {
    return ConfigVersionStore.latest(client);
  }

  public Future<JsonObject> version(SqlClient client, long version) {
    return ConfigVersionStore.version(client, version);
  }
}
