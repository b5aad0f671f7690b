package io.tollgate.controlplane.store;

import io.tollgate.controlplane.catalog.CatalogResource;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SQL of one catalogue kind: reads as the API shows rows, and writes of checked column values. */
public final class CatalogStore {

  private CatalogStore() {
  }

  /** Every row as the API shows it, by id, in id order. */
  public static Future<Map<String, JsonObject>> all(SqlClient client, CatalogResource resource) {
    return client.query("SELECT " + resource.idColumn() + " AS id, " + resource.json() + " AS j FROM " + resource.table()
            + " ORDER BY " + resource.idColumn()).execute()
        .map(rows -> {
          Map<String, JsonObject> all = new LinkedHashMap<>();
          rows.forEach(row -> all.put(row.getString("id"), row.getJsonObject("j")));
          return all;
        });
  }

  /** One row as the API shows it (locked for update inside a transaction); 404 if absent. */
  public static Future<JsonObject> read(SqlClient client, CatalogResource resource, String id) {
    String lock = client instanceof SqlConnection ? " FOR UPDATE" : "";
    return client.preparedQuery("SELECT " + resource.json() + " AS j FROM " + resource.table() + " WHERE "
            + resource.idColumn() + " = $1" + lock).execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new StoreError.NotFound(resource.kind() + " " + id))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  public static Future<Void> insert(SqlConnection tx, CatalogResource resource, String id,
                                    LinkedHashMap<String, Object> columns) {
    List<Object> values = new ArrayList<>();
    values.add(id);
    values.addAll(columns.values());
    StringBuilder placeholders = new StringBuilder("$1");
    for (int i = 0; i < columns.size(); i++) {
      placeholders.append(", $").append(i + 2);
    }
    return tx.preparedQuery("INSERT INTO " + resource.table() + " (" + resource.idColumn() + ", "
            + String.join(", ", columns.keySet()) + ") VALUES (" + placeholders + ")")
        .execute(Tuple.from(values)).mapEmpty();
  }

  /** Sets every column given and moves the row to its next version. */
  public static Future<Void> update(SqlConnection tx, CatalogResource resource, String id,
                                    LinkedHashMap<String, Object> columns) {
    List<String> sets = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    values.add(id);
    for (var column : columns.entrySet()) {
      values.add(column.getValue());
      sets.add(column.getKey() + " = $" + values.size());
    }
    return tx.preparedQuery("UPDATE " + resource.table() + " SET " + String.join(", ", sets)
        + ", version = version + 1 WHERE " + resource.idColumn() + " = $1").execute(Tuple.from(values)).mapEmpty();
  }

  public static Future<Void> delete(SqlConnection tx, CatalogResource resource, String id) {
    return tx.preparedQuery("DELETE FROM " + resource.table() + " WHERE " + resource.idColumn() + " = $1")
        .execute(Tuple.of(id)).mapEmpty();
  }
}
