package io.tollgate.controlplane.catalog;

import io.tollgate.controlplane.api.ApiError;
import io.tollgate.controlplane.api.Call;
import io.tollgate.controlplane.api.ExpectedVersion;
import io.tollgate.controlplane.api.MergePatch;
import io.tollgate.controlplane.api.Fields;
import io.tollgate.controlplane.api.Reply;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.snapshot.ConfigVersions;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * The shared catalogue (backends, models, routes, limit policies): anyone signed in reads, platform
 * admins write. Each write rebuilds the config snapshot in its own transaction; an invalid result
 * refuses the write with every reason; a new version is announced after commit.
 */
public final class CatalogApi {

  private final Pool pool;
  private final CatalogResource resource;
  private final ConfigVersions versions;
  private final Function<String, Future<Void>> afterPolicyChange;

  public CatalogApi(Pool pool, CatalogResource resource, ConfigVersions versions,
                    Function<String, Future<Void>> afterPolicyChange) {
    this.pool = pool;
    this.resource = resource;
    this.versions = versions;
    this.afterPolicyChange = afterPolicyChange;
  }

  /** A committed change: the answer and the config version it made (null if none). */
  private record Committed(JsonObject body, Long version) {
  }

  public Future<Reply> list(Call call) {
    return pool.query("SELECT " + resource.json() + " AS j FROM " + resource.table() + " ORDER BY " + resource.idColumn())
        .execute()
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(row -> items.add(row.getJsonObject("j")));
          return Reply.ok(items);
        });
  }

  public Future<Reply> get(Call call) {
    return read(pool, call.param("id")).map(Reply::ok);
  }

  public Future<Reply> create(Call call) {
    call.requirePlatformAdmin();
    Fields fields = call.fields().strict(resource.shape());
    boolean slug = resource.idField().equals("id") || resource.kind().equals("policy");
    String id = slug ? fields.slug(resource.idField(), true) : fields.string(resource.idField(), true);
    if (!slug && id != null && !id.matches("^[A-Za-z0-9._:/@+-]{1,128}$")) {
      fields.refuse(resource.idField(), "must match ^[A-Za-z0-9._:/@+-]{1,128}$");
    }
    LinkedHashMap<String, Object> columns = resource.columns().apply(fields, true);
    fields.check();
    List<String> names = new ArrayList<>(columns.keySet());
    List<Object> values = new ArrayList<>();
    values.add(id);
    values.addAll(columns.values());
    StringBuilder placeholders = new StringBuilder("$1");
    for (int i = 0; i < names.size(); i++) {
      placeholders.append(", $").append(i + 2);
    }
    String sql = "INSERT INTO " + resource.table() + " (" + resource.idColumn() + ", " + String.join(", ", names)
        + ") VALUES (" + placeholders + ")";
    return change(call, "create", id, tx -> tx.preparedQuery(sql).execute(Tuple.from(values)).mapEmpty(), false)
        .map(committed -> Reply.created(committed.body()));
  }

  /** Replaces every field; the body names the version it was based on (409 if stale). */
  public Future<Reply> update(Call call) {
    call.requirePlatformAdmin();
    Fields fields = call.fields().strict(Bodies.versioned(resource.shape()));
    Integer version = fields.nonNegativeInt(fields.body(), "$", "version");
    if (version == null) {
      fields.refuse("version", "is required (the version you read)");
    }
    resource.columns().apply(fields, false);
    fields.check();
    return write(call, ExpectedVersion.of(call), before -> call.body());
  }

  /**
   * A JSON merge patch (RFC 7386) of the object as the API shows it: only the fields the body
   * names change ({@code {"limits":{"requestsPerMinute":11}}} keeps the other limits), null removes
   * one. The version read comes as If-Match (412 if stale) or in the body (409 if stale).
   */
  public Future<Reply> patch(Call call) {
    call.requirePlatformAdmin();
    Fields fields = call.fields().strict(Bodies.versioned(resource.shape()));
    fields.nonNegativeInt(fields.body(), "$", "version");
    fields.check();
    JsonObject patch = call.body().copy();
    patch.remove("version");
    return write(call, ExpectedVersion.of(call), before -> {
      JsonObject current = before.copy();
      current.remove("version");
      return (JsonObject) MergePatch.apply(current, patch);
    });
  }

  /** Checks the version, makes the new body from the current object, validates it whole and stores it. */
  private Future<Reply> write(Call call, ExpectedVersion expected, Function<JsonObject, JsonObject> newBody) {
    String id = call.param("id");
    return change(call, "update", id, tx -> read(tx, id).compose(before -> {
      expected.check(before);
      Fields fields = new Fields(newBody.apply(before));
      LinkedHashMap<String, Object> columns = resource.columns().apply(fields, false);
      fields.check();
      List<String> sets = new ArrayList<>();
      List<Object> values = new ArrayList<>();
      values.add(id);
      for (var column : columns.entrySet()) {
        values.add(column.getValue());
        sets.add(column.getKey() + " = $" + values.size());
      }
      return tx.preparedQuery("UPDATE " + resource.table() + " SET " + String.join(", ", sets)
          + ", version = version + 1 WHERE " + resource.idColumn() + " = $1").execute(Tuple.from(values)).mapEmpty();
    }), true).map(committed -> Reply.ok(committed.body()));
  }

  public Future<Reply> delete(Call call) {
    call.requirePlatformAdmin();
    String id = call.param("id");
    return change(call, "delete", id, tx -> tx.preparedQuery("DELETE FROM " + resource.table() + " WHERE "
            + resource.idColumn() + " = $1").execute(Tuple.of(id)).mapEmpty(), true)
        .map(committed -> Reply.noContent());
  }

  private Future<Committed> change(Call call, String verb, String id, Function<SqlConnection, Future<Void>> work,
                                   boolean mustExist) {
    String target = resource.kind() + ":" + id;
    return versions.<JsonObject>audited(pool, call.caller().actor(), tx ->
            (mustExist ? read(tx, id) : Future.<JsonObject>succeededFuture(null))
                .compose(before -> work.apply(tx)
                    .compose(v -> verb.equals("delete") ? Future.<JsonObject>succeededFuture(null) : read(tx, id))
                    .map(after -> new Tx.Change<>(after, call.audit(resource.kind() + "." + verb, target, before, after)))))
        .compose(after -> (resource == CatalogResources.POLICIES ? afterPolicyChange.apply(id) : Future.<Void>succeededFuture())
            .map(new Committed(after, null)));
  }

  private Future<JsonObject> read(SqlClient client, String id) {
    String lock = client instanceof SqlConnection ? " FOR UPDATE" : "";
    return client.preparedQuery("SELECT " + resource.json() + " AS j FROM " + resource.table() + " WHERE "
            + resource.idColumn() + " = $1" + lock).execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiError.notFound(resource.kind() + " " + id))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }
}
