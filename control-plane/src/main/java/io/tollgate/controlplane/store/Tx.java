package io.tollgate.controlplane.store;

import io.tollgate.controlplane.audit.Audit;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/** Transactions that carry their audit row, and PostgreSQL errors mapped to API errors. */
public final class Tx {

  /** Audit rows committed by this process (every change goes through here): a metric's source. */
  private static final LongAdder AUDIT_ROWS = new LongAdder();

  private Tx() {
  }

  /** For a transaction run outside {@link #audited} (apply): its audit rows, once committed. */
  public static void committedAuditRows(long rows) {
    AUDIT_ROWS.add(rows);
  }

  public static long auditRowsWritten() {
    return AUDIT_ROWS.sum();
  }

  /** A change's result and the audit entry that records it. */
  public record Change<T>(T result, Audit.Entry audit) {
  }

  /** Runs {@code work} and writes its audit entry in the same transaction. */
  public static <T> Future<T> audited(Pool pool, Function<SqlConnection, Future<Change<T>>> work) {
    return pool.withTransaction(tx -> work.apply(tx)
            .compose(change -> AuditStore.write(tx, change.audit()).map(v -> change.result())))
        .onSuccess(committed -> AUDIT_ROWS.increment())
        .recover(Tx::mapFailure);
  }

  /**
   * As {@link #audited(Pool, Function)}, then runs {@code beforeCommit} with the result while the
   * transaction is still open: if it fails, nothing is committed.
   */
  public static <T> Future<T> audited(Pool pool, Function<SqlConnection, Future<Change<T>>> work,
                                      Function<T, Future<Void>> beforeCommit) {
    return audited(pool, tx -> work.apply(tx).compose(change -> beforeCommit.apply(change.result()).map(change)));
  }

  /** PostgreSQL's refusals as the domain's: a duplicate, a reference to nothing, a value out of range. */
  public static <T> Future<T> mapFailure(Throwable failure) {
    if (failure instanceof PgException pg) {
      String code = pg.getSqlState();
      if ("23505".equals(code)) {
        return Future.failedFuture(new StoreError.Conflict("already exists: " + pg.getDetail()));
      }
      if ("23503".equals(code)) {
        return Future.failedFuture(new StoreError.Invalid("refers to something that does not exist: " + pg.getDetail(),
            List.of()));
      }
      if ("23514".equals(code)) {
        return Future.failedFuture(new StoreError.Invalid("value out of range: " + pg.getErrorMessage(), List.of()));
      }
    }
    return Future.failedFuture(failure);
  }
}
