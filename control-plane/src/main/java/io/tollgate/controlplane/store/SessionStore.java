package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.Map;

/**
 * Portal sessions (by the hash of their cookie value) and users' password hashes. Expiry is by the
 * database's clock, as for admin tokens, so that replicas agree.
 */
public final class SessionStore {

  private SessionStore() {
  }

  /** A live session: its user, whether a platform admin, the CSRF token it was issued with, roles by org. */
  public record SessionOwner(String email, boolean platformAdmin, String csrfToken, Map<String, String> roles) {
  }

  /** The user's password hash; null when the user has none or does not exist (the caller cannot tell which). */
  public static Future<String> passwordHash(SqlClient client, String email) {
    return client.preparedQuery("SELECT password_hash FROM users WHERE email = $1").execute(Tuple.of(email))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("password_hash"));
  }

  /** Sets the user's password hash and ends their sessions; NotFound if there is no such user. */
  public static Future<Void> setPasswordHash(SqlClient client, String email, String hash) {
    return client.preparedQuery("UPDATE users SET password_hash = $2 WHERE email = $1").execute(Tuple.of(email, hash))
        .compose(rows -> rows.rowCount() == 0 ? Future.<Void>failedFuture(new StoreError.NotFound("user " + email))
            : endAll(client, email));
  }

  /**
   * Starts a session lasting {@code ttlSeconds}. Expired sessions (anyone's) are cleared on the way:
   * sign-ins are rare next to requests, and this keeps the table to the live sessions.
   */
  public static Future<Void> create(SqlClient client, String idHash, String email, String csrfToken, long ttlSeconds) {
    return client.query("DELETE FROM sessions WHERE expires_at <= now()").execute()
        .compose(cleared -> client.preparedQuery("INSERT INTO sessions (id_hash, email, csrf_token, expires_at) "
                + "VALUES ($1, $2, $3, now() + $4::bigint * interval '1 second')")
            .execute(Tuple.of(idHash, email, csrfToken, ttlSeconds)))
        .mapEmpty();
  }

  /** The owner of the unexpired session with this hash; null when there is none. */
  public static Future<SessionOwner> owner(SqlClient client, String idHash) {
    return client.preparedQuery("SELECT u.email, u.platform_admin, s.csrf_token, m.org, m.role FROM sessions s "
            + "JOIN users u ON u.email = s.email LEFT JOIN memberships m ON m.email = u.email "
            + "WHERE s.id_hash = $1 AND s.expires_at > now()")
        .execute(Tuple.of(idHash))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row first = rows.iterator().next();
          Map<String, String> roles = new HashMap<>();
          for (Row row : rows) {
            if (row.getString("org") != null) {
              roles.put(row.getString("org"), row.getString("role"));
            }
          }
          return new SessionOwner(first.getString("email"), first.getBoolean("platform_admin"),
              first.getString("csrf_token"), Map.copyOf(roles));
        });
  }

  /** Ends one session (sign-out); nothing when there is no such session. */
  public static Future<Void> end(SqlClient client, String idHash) {
    return client.preparedQuery("DELETE FROM sessions WHERE id_hash = $1").execute(Tuple.of(idHash)).mapEmpty();
  }

  /** Ends every session of the user (their password changed). */
  public static Future<Void> endAll(SqlClient client, String email) {
    return client.preparedQuery("DELETE FROM sessions WHERE email = $1").execute(Tuple.of(email)).mapEmpty();
  }
}
