package io.tollgate.controlplane.catalog;

import io.tollgate.controlplane.api.Call;
import io.tollgate.controlplane.api.ExpectedVersion;
import io.tollgate.controlplane.api.MergePatch;
import io.tollgate.controlplane.api.Fields;
import io.tollgate.controlplane.api.Reply;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.snapshot.ConfigVersions;
import io.tollgate.controlplane.store.CatalogStore;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    return CatalogStore.all(pool, resource).map(all -> Reply.ok(new JsonArray(new ArrayList<>(all.values()))));
  }

  public Future<Reply> get(Call call) {
    return read(pool, call.param("id")).map(Reply::ok);
  }

  public Future<Reply> create(Call call) {
    call.requirePlatformAdmin();
    Fields fields = call.fields().strict(resource.shape());
    String id = resource.id(fields);
    LinkedHashMap<String, Object> columns = resource.columns().apply(fields, true);
    fields.check();
    return change(call, "create", id, tx -> CatalogStore.insert(tx, resource, id, columns), false)
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
      return CatalogStore.update(tx, resource, id, columns);
    }), true).map(committed -> Reply.ok(committed.body()));
  }

  public Future<Reply> delete(Call call) {
    call.requirePlatformAdmin();
    String id = call.param("id");
    return change(call, "delete", id, tx -> CatalogStore.delete(tx, resource, id), true)
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
    return CatalogStore.read(client, resource, id);
  }
}
