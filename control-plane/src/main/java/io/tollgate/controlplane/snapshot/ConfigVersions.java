package io.tollgate.controlplane.snapshot;

import io.tollgate.controlplane.observability.ControlPlaneMetrics;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.function.Function;
import java.util.logging.Logger;

/**
 * An audited change that may alter the data plane's config: in the same transaction the snapshot
 * is rebuilt and checked (an invalid one rolls everything back) and stored as a new version if it
 * changed; after commit the version is announced.
 */
public final class ConfigVersions {

  private static final Logger LOG = Logger.getLogger(ConfigVersions.class.getName());

  private final SnapshotStore store;
  private final ConfigPublisher publisher;
  private final ControlPlaneMetrics metrics;

  public ConfigVersions(SnapshotStore store, ConfigPublisher publisher, ControlPlaneMetrics metrics) {
    this.store = store;
    this.publisher = publisher;
    this.metrics = metrics;
  }

  public SnapshotStore store() {
    return store;
  }

  private record Versioned<T>(T result, Long version) {
  }

  public <T> Future<T> audited(Pool pool, String actor, Function<SqlConnection, Future<Tx.Change<T>>> work) {
    return Tx.<Versioned<T>>audited(pool, tx -> work.apply(tx).compose(change -> store.refresh(tx, actor)
            .map(version -> new Tx.Change<>(new Versioned<>(change.result(), version), change.audit()))))
        .compose(versioned -> announce(versioned.version()).map(versioned.result()));
  }

  /** As above, with {@code beforeCommit} run on the result while the transaction is still open. */
  public <T> Future<T> audited(Pool pool, String actor, Function<SqlConnection, Future<Tx.Change<T>>> work,
                               Function<T, Future<Void>> beforeCommit) {
    return audited(pool, actor, tx -> work.apply(tx)
        .compose(change -> beforeCommit.apply(change.result()).map(change)));
  }

  /** Committed already: a failed announcement only delays the gateways until their next poll. */
  public Future<Void> announce(Long version) {
    if (version == null) {
      return Future.succeededFuture();
    }
    metrics.configVersion(version);
    return publisher.publish(version).onSuccess(v -> metrics.configPublication(true)).recover(failure -> {
      metrics.configPublication(false);
      LOG.warning("config version " + version + " stored, but announcing it failed (" + failure
          + "); gateways pick it up on their next poll");
      return Future.succeededFuture();
    });
  }
}
