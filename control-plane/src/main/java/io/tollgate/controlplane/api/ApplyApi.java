package io.tollgate.controlplane.api;

import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.snapshot.ConfigVersions;
import io.tollgate.controlplane.store.SnapshotSource;
import io.tollgate.controlplane.store.ConfigVersionStore;
import io.tollgate.controlplane.store.Problem;
import io.tollgate.controlplane.store.StoreError;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/apply}: a whole platform file (config/platform.yaml as JSON) planned,
 * checked and applied in one PostgreSQL transaction — all of it or nothing. A dry run does exactly
 * what a real apply does, config check included, and rolls back: what it accepts, a real apply
 * accepts. Problems are reported by the file's own paths ({@code $.routes[1].backends[0]}), which
 * the CLI turns into file and line.
 */
final class ApplyApi {

  /** What an apply did: its plan, and for a real one what it changed. */
  private record Outcome(ApplyPlanner.Plan plan, ApplyExecutor.Done done, Long version, boolean committed) {
  }

  private final Pool pool;
  private final ConfigVersions versions;
  private final KeysApi keys;

  ApplyApi(Pool pool, ConfigVersions versions, KeysApi keys) {
    this.pool = pool;
    this.versions = versions;
    this.keys = keys;
  }

  Future<Reply> apply(Call call) {
    call.requirePlatformAdmin();
    Fields request = call.fields().strict(Bodies.APPLY);
    JsonObject file = request.object("document");
    if (file == null) {
      request.refuse("document", "is required: the platform file as JSON");
    }
    boolean dryRun = flag(request, "dryRun");
    boolean prune = flag(request, "prune");
    request.check();
    return pool.getConnection()
        .compose(conn -> conn.begin().compose(tx -> run(conn, tx, call, file, dryRun, prune)).eventually(conn::close))
        .recover(Tx::mapFailure)
        .compose(this::afterCommit)
        .map(outcome -> Reply.ok(answer(outcome, dryRun)));
  }

  private Future<Outcome> run(SqlConnection conn, Transaction tx, Call call, JsonObject file, boolean dryRun,
                              boolean prune) {
    // One writer of the catalogue at a time (REST changes take the same lock to make a config version).
    return ConfigVersionStore.lock(conn)
        .compose(locked -> ApplyPlanner.plan(conn, file, prune))
        .compose(plan -> {
          if (!plan.errors().isEmpty()) {
            return configProblems(conn, call, plan, file).compose(more -> {
              List<Problem> all = new ArrayList<>(plan.errors());
              all.addAll(more);
              return Future.failedFuture(new ApiError(422, "the file has " + all.size()
                  + " problem(s); nothing was changed", all));
            });
          }
          if (plan.steps().stream().noneMatch(ApplyStep::changes)) {
            return Future.succeededFuture(new Outcome(plan, null, null, false));
          }
          return new ApplyExecutor(conn, call, keys).run(plan.steps())
              .compose(done -> versions.store().refresh(conn, call.caller().actor())
                  .recover(failure -> inFile(conn, failure, file))
                  .map(version -> new Outcome(plan, done, version, false)));
        })
        .compose(outcome -> {
          if (dryRun || outcome.done() == null) {
            return tx.rollback().map(outcome);
          }
          return publish(outcome.done().publications()).compose(v -> tx.commit())
              .map(new Outcome(outcome.plan(), outcome.done(), outcome.version(), true));
        }, failure -> tx.rollback().transform(v -> Future.failedFuture(failure)));
  }

  private static final Pattern ENTRY = Pattern.compile("^\\$\\.\\w+(\\[\\d+])?");

  /**
   * With problems in some entries, what the others would make of the config: they are applied (in
   * the transaction that is then rolled back) and the config checked, so that one round shows a
   * pipeline every problem, not the entries' first and the config's next. If even that fails (an
   * entry left out that another needs), the entries' problems are reported alone.
   */
  private Future<List<Problem>> configProblems(SqlConnection conn, Call call, ApplyPlanner.Plan plan, JsonObject file) {
    Set<String> broken = new HashSet<>();
    plan.errors().forEach(error -> broken.add(entry(error.path())));
    List<ApplyStep> sound = plan.steps().stream()
        .filter(step -> step.path() == null || !broken.contains(entry(step.path()))).toList();
    return new ApplyExecutor(conn, call, keys).run(sound)
        .compose(done -> versions.store().refresh(conn, call.caller().actor()))
        .recover(failure -> inFile(conn, failure, file))
        .<List<Problem>>map(version -> List.of())
        .recover(failure -> Future.succeededFuture(failure instanceof ApiError error && error.status() == 422
            ? error.fields() : List.of()));
  }

  /** The entry a path is in: "$.routes[1]" for "$.routes[1].backends[0]"; "$.routes" for "$.routes". */
  private static String entry(String path) {
    Matcher m = ENTRY.matcher(path);
    return m.find() ? m.group() : path;
  }

  /** A refused config, with the snapshot's paths turned into the file's. */
  private static <T> Future<T> inFile(SqlConnection conn, Throwable failure, JsonObject file) {
    if (!(failure instanceof StoreError.Invalid invalid) || invalid.problems().isEmpty()) {
      return Future.failedFuture(failure);
    }
    return SnapshotSource.build(conn).compose(snapshot -> Future.failedFuture(new ApiError(422,
        "the file makes an invalid config: " + invalid.problems().size() + " problem(s); nothing was changed",
        ApplyPaths.inFile(invalid.problems(), snapshot, file))));
  }

  /** Key records and revocations, in order; the first that fails stops the commit (503). */
  private static Future<Void> publish(List<Supplier<Future<Void>>> publications) {
    Future<Void> chain = Future.succeededFuture();
    for (Supplier<Future<Void>> publication : publications) {
      chain = chain.compose(v -> publication.get());
    }
    return chain;
  }

  /** Committed: the new config version is announced, and keys of changed policies get their new limits. */
  private Future<Outcome> afterCommit(Outcome outcome) {
    if (!outcome.committed()) {
      return Future.succeededFuture(outcome);
    }
    Tx.committedAuditRows(outcome.done().auditRows());
    Future<Void> chain = versions.announce(outcome.version());
    for (String policy : outcome.done().policies()) {
      chain = chain.compose(v -> keys.republishPolicy(policy));
    }
    return chain.map(outcome);
  }

  private static JsonObject answer(Outcome outcome, boolean dryRun) {
    JsonArray steps = new JsonArray();
    outcome.plan().steps().forEach(step -> steps.add(step.toJson()));
    JsonObject secrets = new JsonObject();
    if (outcome.committed()) {
      outcome.done().secrets().forEach(secrets::put);
    }
    return new JsonObject().put("dryRun", dryRun).put("applied", outcome.committed()).put("steps", steps)
        .put("secrets", secrets).put("configVersion", outcome.version() == null || !outcome.committed() ? null
            : outcome.version());
  }

  private static boolean flag(Fields fields, String name) {
    Object value = fields.body().getValue(name);
    if (value != null && !(value instanceof Boolean)) {
      fields.refuse(name, "must be true or false");
    }
    return Boolean.TRUE.equals(value);
  }
}
