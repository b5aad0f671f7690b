package io.tollgate.controlplane.store;

import io.tollgate.controlplane.audit.Audit;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /** PostgreSQL's "Key (policy)=(nope) ..." detail: the column and the value it names. */
  private static final Pattern KEY_DETAIL = Pattern.compile("Key \\(([^)]+)\\)=\\((.*)\\) (?:is not present in table \"(\\w+)\"|is still referenced from table \"(\\w+)\"|already exists).*",
      Pattern.DOTALL);

  /**
   * PostgreSQL's refusals as the domain's, in words rather than constraint text: a duplicate ("name
   * dup already exists"), a reference to nothing ("no policy nope"), a value out of range. What
   * PostgreSQL still refuses after the operations' own checks is mostly a race with another change.
   */
  public static <T> Future<T> mapFailure(Throwable failure) {
    if (failure instanceof PgException pg) {
      String code = pg.getSqlState();
      Matcher detail = KEY_DETAIL.matcher(pg.getDetail() == null ? "" : pg.getDetail());
      boolean named = detail.matches();
      if ("23505".equals(code)) {
        return Future.failedFuture(new StoreError.Conflict(named ? detail.group(1) + " " + detail.group(2)
            + " already exists" : "already exists"));
      }
      if ("23503".equals(code)) {
        String column = named ? detail.group(1) : null;
        String message = !named ? "refers to something that does not exist"
            : detail.group(3) != null ? "no " + singular(detail.group(3)) + " " + detail.group(2)
            : detail.group(4) != null ? detail.group(2) + " is still in use by " + withArticle(singular(detail.group(4)))
            : "refers to something that does not exist";
        // A reference to nothing is the field's fault; one still in use is nobody's field.
        boolean field = named && detail.group(3) != null && !column.contains(",");
        return Future.failedFuture(new StoreError.Invalid(message, field ? List.of(new Problem("$." + column, message))
            : List.of()));
      }
      if ("23514".equals(code)) {
        return Future.failedFuture(new StoreError.Invalid("value out of range: " + pg.getErrorMessage(), List.of()));
      }
    }
    return Future.failedFuture(failure);
  }

  private static String withArticle(String noun) {
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }

  private static String singular(String table) {
    return switch (table) {
      case "limit_policies" -> "policy";
      case "users" -> "user";
      case "orgs" -> "org";
      case "models" -> "model";
      case "api_keys" -> "key";
      case "routes" -> "route";
      case "memberships" -> "membership";
      default -> table;
    };
  }
}
