package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Users, their admin tokens (as keyed hashes only) and their expiry by the database's clock. */
public final class UserStore {

  /** A user as the API shows it: never the token's hash. */
  private static final String USER_JSON = "jsonb_build_object('email', email, 'platformAdmin', platform_admin, "
      + "'configReader', config_reader, 'tokenExpiresAt', token_expires_at)";

  private UserStore() {
  }

  /**
   * Whose token has this hash: the user, whether a platform admin, whether the token expired (by the
   * database's clock, which stamped the expiry, so replicas agree) and their roles by org.
   */
  public record TokenOwner(String email, boolean platformAdmin, boolean configReader, boolean expired,
                           Map<String, String> roles) {
  }

  /** The owner of the token with this hash; null when no user has it. */
  public static Future<TokenOwner> byTokenHash(SqlClient client, String hash) {
    return client.preparedQuery("SELECT u.email, u.platform_admin, u.config_reader, u.token_expires_at <= now() AS expired, m.org, "
            + "m.role FROM users u LEFT JOIN memberships m ON m.email = u.email WHERE u.token_hash = $1")
        .execute(Tuple.of(hash))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          String email = null;
          boolean admin = false;
          boolean reader = false;
          boolean expired = false;
          Map<String, String> roles = new HashMap<>();
          for (Row row : rows) {
            email = row.getString("email");
            admin = row.getBoolean("platform_admin");
            reader = row.getBoolean("config_reader");
            expired = Boolean.TRUE.equals(row.getBoolean("expired"));
            if (row.getString("org") != null) {
              roles.put(row.getString("org"), row.getString("role"));
            }
          }
          return new TokenOwner(email, admin, reader, expired, Map.copyOf(roles));
        });
  }

  /** Whether a platform admin with a token exists (then the bootstrap token is retired). */
  public static Future<Boolean> platformAdminExists(SqlClient client) {
    return client.query("SELECT EXISTS (SELECT 1 FROM users WHERE platform_admin AND token_hash IS NOT NULL)").execute()
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** SQL for the expiry of a token issued now, from the TTL in seconds at parameter $n (NULL: never). */
  private static String expiry(int n) {
    return "now() + $" + n + "::bigint * interval '1 second'";
  }

  /** @param ttlSeconds the token's lifetime; null: it never expires */
  public static Future<JsonObject> create(SqlConnection tx, String email, String tokenHash, boolean platformAdmin,
                                          boolean configReader, Long ttlSeconds) {
    return tx.preparedQuery("INSERT INTO users (email, token_hash, platform_admin, config_reader, token_expires_at) "
            + "VALUES ($1, $2, $3, $4, " + expiry(5) + ") RETURNING " + USER_JSON + " AS j")
        .execute(Tuple.of(email, tokenHash, platformAdmin, configReader, ttlSeconds))
        .map(rows -> rows.iterator().next().getJsonObject("j"));
  }

  /** Replaces the user's token (the old one stops working); NotFound if there is no such user. */
  public static Future<JsonObject> newToken(SqlConnection tx, String email, String tokenHash, Long ttlSeconds) {
    return tx.preparedQuery("UPDATE users SET token_hash = $2, token_expires_at = " + expiry(3)
            + " WHERE email = $1 RETURNING " + USER_JSON + " AS j")
        .execute(Tuple.of(email, tokenHash, ttlSeconds))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new StoreError.NotFound("user " + email))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  /** Deletes the user (and their memberships); the user as it was; NotFound if absent. */
  public static Future<JsonObject> delete(SqlConnection tx, String email) {
    return tx.preparedQuery("DELETE FROM users WHERE email = $1 RETURNING " + USER_JSON + " AS j")
        .execute(Tuple.of(email))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new StoreError.NotFound("user " + email))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  public static Future<JsonArray> list(SqlClient client) {
    return client.query("SELECT " + USER_JSON + " AS j FROM users ORDER BY email").execute()
        .map(rows -> {
          JsonArray users = new JsonArray();
          rows.forEach(row -> users.add(row.getJsonObject("j")));
          return users;
        });
  }

  public static Future<Boolean> exists(SqlClient client, String email) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM users WHERE email = $1) AS found").execute(Tuple.of(email))
        .map(rows -> rows.iterator().next().getBoolean("found"));
  }

  public static Future<Set<String>> emails(SqlClient client) {
    return client.query("SELECT email FROM users").execute().map(rows -> {
      Set<String> emails = new HashSet<>();
      rows.forEach(row -> emails.add(row.getString("email")));
      return emails;
    });
  }
}
