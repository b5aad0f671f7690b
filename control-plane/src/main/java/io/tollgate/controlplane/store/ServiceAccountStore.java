package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Service accounts: org-scoped, non-human callers, their tokens as keyed hashes only, their expiry
 * by the database's clock, and the previous token during a rotation's grace.
 */
public final class ServiceAccountStore {

  /** As the API shows it: never a token's hash. */
  private static final String JSON = "jsonb_build_object('org', org, 'name', name, 'role', role, 'description', "
      + "description, 'tokenExpiresAt', token_expires_at, 'previousTokenExpiresAt', previous_expires_at, "
      + "'createdAt', created_at)";

  private ServiceAccountStore() {
  }

  /** Whose token has this hash (the current one, unexpired, or the previous one within its grace). */
  public record Owner(String org, String name, String role) {
  }

  public static Future<Owner> byTokenHash(SqlClient client, String hash) {
    return client.preparedQuery("SELECT org, name, role FROM service_accounts WHERE "
            + "(token_hash = $1 AND (token_expires_at IS NULL OR token_expires_at > now())) "
            + "OR (previous_token_hash = $1 AND previous_expires_at > now())")
        .execute(Tuple.of(hash))
        .map(rows -> rows.size() == 0 ? null : new Owner(rows.iterator().next().getString("org"),
            rows.iterator().next().getString("name"), rows.iterator().next().getString("role")));
  }

  /** @param ttlSeconds the token's lifetime; null: it never expires */
  public static Future<JsonObject> create(SqlConnection tx, String org, String name, String role, String description,
                                          String tokenHash, Long ttlSeconds) {
    return tx.preparedQuery("INSERT INTO service_accounts (org, name, role, description, token_hash, token_expires_at) "
            + "VALUES ($1, $2, $3, $4, $5, now() + $6::bigint * interval '1 second') RETURNING " + JSON + " AS j")
        .execute(Tuple.of(org, name, role, description, tokenHash, ttlSeconds))
        .map(rows -> rows.iterator().next().getJsonObject("j"));
  }

  /**
   * A new token; the current one keeps working for {@code graceSeconds} (0: not at all), and a
   * previous one still in its grace ends now (one previous token at most, as for keys).
   */
  public static Future<JsonObject> rotate(SqlConnection tx, String org, String name, String tokenHash, Long ttlSeconds,
                                          long graceSeconds) {
    return tx.preparedQuery("UPDATE service_accounts SET previous_token_hash = CASE WHEN $5 > 0 THEN token_hash END, "
            + "previous_expires_at = CASE WHEN $5 > 0 THEN now() + $5::bigint * interval '1 second' END, "
            + "token_hash = $3, token_expires_at = now() + $4::bigint * interval '1 second' "
            + "WHERE org = $1 AND name = $2 RETURNING " + JSON + " AS j")
        .execute(Tuple.of(org, name, tokenHash, ttlSeconds, graceSeconds))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new StoreError.NotFound("service account " + name + " in org " + org))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  public static Future<JsonObject> delete(SqlConnection tx, String org, String name) {
    return tx.preparedQuery("DELETE FROM service_accounts WHERE org = $1 AND name = $2 RETURNING " + JSON + " AS j")
        .execute(Tuple.of(org, name))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new StoreError.NotFound("service account " + name + " in org " + org))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  public static Future<JsonArray> list(SqlClient client, String org) {
    return client.preparedQuery("SELECT " + JSON + " AS j FROM service_accounts WHERE org = $1 ORDER BY name")
        .execute(Tuple.of(org)).map(rows -> {
          JsonArray accounts = new JsonArray();
          rows.forEach(row -> accounts.add(row.getJsonObject("j")));
          return accounts;
        });
  }
}
