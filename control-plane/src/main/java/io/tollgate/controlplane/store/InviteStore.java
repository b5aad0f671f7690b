package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/** Org invitations (migration V8): by org and email for their admins, by token hash for the invitee. */
public final class InviteStore {

  private static final String UTC = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
  private static final String INVITE_JSON = "jsonb_build_object('org', org, 'email', email, 'role', role, "
      + "'invitedBy', invited_by, 'createdAt', to_char(created_at AT TIME ZONE 'UTC', " + UTC + "), "
      + "'expiresAt', to_char(expires_at AT TIME ZONE 'UTC', " + UTC + "), 'expired', expires_at <= now())";

  private InviteStore() {
  }

  /** An invite as its link finds it: whether it was used or has expired is the caller's to judge. */
  public record Found(String org, String email, String role, OffsetDateTime expiresAt, boolean accepted,
                      boolean expired) {
  }

  /** Creates the invite, or replaces the pending one for the same email (its old link stops working). */
  public static Future<JsonObject> put(SqlConnection tx, String org, String email, String role, String tokenHash,
                                      String invitedBy, long ttlSeconds) {
    return tx.preparedQuery("INSERT INTO invites (org, email, role, token_hash, invited_by, expires_at) "
            + "VALUES ($1, $2, $3, $4, $5, now() + $6::bigint * interval '1 second') "
            + "ON CONFLICT (org, email) DO UPDATE SET role = EXCLUDED.role, token_hash = EXCLUDED.token_hash, "
            + "invited_by = EXCLUDED.invited_by, created_at = now(), expires_at = EXCLUDED.expires_at, "
            + "accepted_at = NULL RETURNING " + INVITE_JSON + " AS j")
        .execute(Tuple.of(org, email, role, tokenHash, invitedBy, ttlSeconds))
        .map(rows -> rows.iterator().next().getJsonObject("j"));
  }

  /** The pending invite (not accepted) for this email; null when there is none. */
  public static Future<JsonObject> pending(SqlClient client, String org, String email) {
    return client.preparedQuery("SELECT " + INVITE_JSON + " AS j FROM invites WHERE org = $1 AND email = $2 "
            + "AND accepted_at IS NULL").execute(Tuple.of(org, email))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getJsonObject("j"));
  }

  /** The org's invites not accepted yet, expired ones included (marked), by email. */
  public static Future<JsonArray> listPending(SqlClient client, String org) {
    return client.preparedQuery("SELECT " + INVITE_JSON + " AS j FROM invites WHERE org = $1 AND accepted_at IS NULL "
            + "ORDER BY email").execute(Tuple.of(org))
        .map(rows -> {
          JsonArray invites = new JsonArray();
          rows.forEach(row -> invites.add(row.getJsonObject("j")));
          return invites;
        });
  }

  /** Deletes the pending invite; it as it was, or NotFound. */
  public static Future<JsonObject> revoke(SqlConnection tx, String org, String email) {
    return tx.preparedQuery("DELETE FROM invites WHERE org = $1 AND email = $2 AND accepted_at IS NULL RETURNING "
            + INVITE_JSON + " AS j").execute(Tuple.of(org, email))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new StoreError.NotFound("pending invite for " + email + " in org " + org))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  /** Deletes the invite if it still has this token (an invite whose email could not be sent). */
  public static Future<Void> forget(SqlClient client, String tokenHash) {
    return client.preparedQuery("DELETE FROM invites WHERE token_hash = $1").execute(Tuple.of(tokenHash)).mapEmpty();
  }

  /** The invite this link's token names, locked for acceptance when {@code tx} is a transaction; null if none. */
  public static Future<Found> byTokenHash(SqlClient client, String tokenHash, boolean lock) {
    return client.preparedQuery("SELECT org, email, role, expires_at, accepted_at IS NOT NULL AS accepted, "
            + "expires_at <= now() AS expired FROM invites WHERE token_hash = $1" + (lock ? " FOR UPDATE" : ""))
        .execute(Tuple.of(tokenHash))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Found(row.getString("org"), row.getString("email"), row.getString("role"),
              row.getOffsetDateTime("expires_at"), row.getBoolean("accepted"), row.getBoolean("expired"));
        });
  }

  public static Future<Void> markAccepted(SqlConnection tx, String tokenHash) {
    return tx.preparedQuery("UPDATE invites SET accepted_at = now() WHERE token_hash = $1").execute(Tuple.of(tokenHash))
        .mapEmpty();
  }

  /** A user who signs in with a password only (no admin token): what an accepted invite makes. */
  public static Future<Void> createPasswordUser(SqlConnection tx, String email, String passwordHash) {
    return tx.preparedQuery("INSERT INTO users (email, password_hash) VALUES ($1, $2)")
        .execute(Tuple.of(email, passwordHash)).mapEmpty();
  }
}
