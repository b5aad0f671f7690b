package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Orgs (display name, limit policy, budget) and their members' roles. */
public final class OrgStore {

  /** An org as the API shows it. */
  public static final String ORG_JSON = "jsonb_build_object('name', name, 'display', display, 'policy', policy, "
      + "'budget', " + budgetJson("") + ", 'version', version)";

  /**
   * A budget as the API, the snapshot and the key records show it, from the columns of the table
   * aliased {@code alias} ("k." or ""): {limitUsd, period, alertsAt (only when set)}, or null.
   */
  public static String budgetJson(String alias) {
    return "CASE WHEN " + alias + "budget_usd IS NULL THEN NULL ELSE jsonb_build_object('limitUsd', " + alias
        + "budget_usd::float8, 'period', " + alias + "budget_period) || CASE WHEN " + alias + "budget_alerts IS NULL "
        + "THEN '{}'::jsonb ELSE jsonb_build_object('alertsAt', to_jsonb(" + alias + "budget_alerts)) END END";
  }

  private OrgStore() {
  }

  /** One org (locked for update inside a transaction); NotFound if absent. */
  public static Future<JsonObject> read(SqlClient client, String org) {
    String lock = client instanceof SqlConnection ? " FOR UPDATE" : "";
    return client.preparedQuery("SELECT " + ORG_JSON + " AS j FROM orgs WHERE name = $1" + lock)
        .execute(Tuple.of(org))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new StoreError.NotFound("org " + org))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  /** The orgs named (every org when {@code names} is null), by name. */
  public static Future<JsonArray> list(SqlClient client, Set<String> names) {
    String where = names == null ? "" : " WHERE name = ANY($1)";
    Tuple args = names == null ? Tuple.tuple() : Tuple.of(names.toArray(String[]::new));
    return client.preparedQuery("SELECT " + ORG_JSON + " AS j FROM orgs" + where + " ORDER BY name").execute(args)
        .map(OrgStore::objects);
  }

  /** Every org, by name. */
  public static Future<Map<String, JsonObject>> all(SqlClient client) {
    return client.query("SELECT name, " + ORG_JSON + " AS j FROM orgs ORDER BY name").execute().map(rows -> {
      Map<String, JsonObject> orgs = new LinkedHashMap<>();
      rows.forEach(row -> orgs.put(row.getString("name"), row.getJsonObject("j")));
      return orgs;
    });
  }

  /** @param display "" for none */
  public static Future<JsonObject> insert(SqlConnection tx, String name, String display, String policy, Double limitUsd,
                                          String period, Integer[] alertsAt) {
    return one(tx.preparedQuery("INSERT INTO orgs (name, display, policy, budget_usd, budget_period, budget_alerts) "
            + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + ORG_JSON + " AS j")
        .execute(Tuple.from(values(name, display, policy, limitUsd, period, alertsAt))));
  }

  /** Sets the policy, and the display name unless it is null. */
  public static Future<JsonObject> updateDisplayAndPolicy(SqlConnection tx, String org, String display, String policy) {
    return one(tx.preparedQuery("UPDATE orgs SET display = COALESCE($2, display), policy = $3, version = version + 1 "
            + "WHERE name = $1 RETURNING " + ORG_JSON + " AS j")
        .execute(Tuple.from(values(org, display, policy))));
  }

  /** Sets display name, policy and budget at once. */
  public static Future<JsonObject> replace(SqlConnection tx, String org, String display, String policy, Double limitUsd,
                                           String period, Integer[] alertsAt) {
    return one(tx.preparedQuery("UPDATE orgs SET display = $2, policy = $3, budget_usd = $4, budget_period = $5, "
            + "budget_alerts = $6, version = version + 1 WHERE name = $1 RETURNING " + ORG_JSON + " AS j")
        .execute(Tuple.from(values(org, display, policy, limitUsd, period, alertsAt))));
  }

  /** Sets the budget; nulls remove it. */
  public static Future<JsonObject> budget(SqlConnection tx, String org, Double limitUsd, String period,
                                          Integer[] alertsAt) {
    return one(tx.preparedQuery("UPDATE orgs SET budget_usd = $2, budget_period = $3, budget_alerts = $4, "
            + "version = version + 1 WHERE name = $1 RETURNING " + ORG_JSON + " AS j")
        .execute(Tuple.from(values(org, limitUsd, period, alertsAt))));
  }

  /** Deletes the org; its keys and memberships go with it (cascade). */
  public static Future<Void> delete(SqlConnection tx, String org) {
    return tx.preparedQuery("DELETE FROM orgs WHERE name = $1").execute(Tuple.of(org)).mapEmpty();
  }

  /** The budgets of the org's keys that have one: [{key, limitUsd, period}]. */
  public static Future<JsonArray> keyBudgets(SqlClient client, String org) {
    return client.preparedQuery("SELECT jsonb_build_object('key', id, 'limitUsd', budget_usd::float8, 'period', "
            + "budget_period) AS j FROM api_keys WHERE org = $1 AND budget_usd IS NOT NULL ORDER BY id")
        .execute(Tuple.of(org)).map(OrgStore::objects);
  }

  /** [{email, role}] by email. */
  public static Future<JsonArray> members(SqlClient client, String org) {
    return client.preparedQuery("SELECT jsonb_build_object('email', email, 'role', role) AS j FROM memberships "
            + "WHERE org = $1 ORDER BY email").execute(Tuple.of(org)).map(OrgStore::objects);
  }

  /** Every org's members: org → email → role. */
  public static Future<Map<String, Map<String, String>>> allMembers(SqlClient client) {
    return client.query("SELECT org, email, role FROM memberships ORDER BY org, email").execute().map(rows -> {
      Map<String, Map<String, String>> members = new LinkedHashMap<>();
      rows.forEach(row -> members.computeIfAbsent(row.getString("org"), o -> new LinkedHashMap<>())
          .put(row.getString("email"), row.getString("role")));
      return members;
    });
  }

  /** {email, role} of a member; null if the user is not one. */
  public static Future<JsonObject> member(SqlClient client, String org, String email) {
    return client.preparedQuery("SELECT role FROM memberships WHERE org = $1 AND email = $2").execute(Tuple.of(org, email))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new JsonObject().put("email", email).put("role", row.getString("role"));
        });
  }

  /** Adds the member or changes their role. */
  public static Future<Void> putMember(SqlConnection tx, String org, String email, String role) {
    return tx.preparedQuery("INSERT INTO memberships (org, email, role) VALUES ($1, $2, $3) "
        + "ON CONFLICT (org, email) DO UPDATE SET role = EXCLUDED.role").execute(Tuple.of(org, email, role)).mapEmpty();
  }

  public static Future<Void> deleteMember(SqlConnection tx, String org, String email) {
    return tx.preparedQuery("DELETE FROM memberships WHERE org = $1 AND email = $2").execute(Tuple.of(org, email))
        .mapEmpty();
  }

  private static Future<JsonObject> one(Future<RowSet<Row>> rows) {
    return rows.map(set -> set.iterator().next().getJsonObject("j"));
  }

  private static JsonArray objects(RowSet<Row> rows) {
    JsonArray items = new JsonArray();
    rows.forEach(row -> items.add(row.getJsonObject("j")));
    return items;
  }

  /** Tuple values that may be null (Tuple.of refuses none, List.of does). */
  static List<Object> values(Object... values) {
    List<Object> list = new ArrayList<>();
    Collections.addAll(list, values);
    return list;
  }
}
