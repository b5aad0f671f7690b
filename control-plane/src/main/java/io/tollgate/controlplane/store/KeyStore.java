package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API keys: only the keyed hash of a secret is stored (and, while a rotation's grace lasts, the
 * previous one's). A key's limits read as its own where it sets them, else its policy's.
 */
public final class KeyStore {

  private static final String UTC = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";
  /** A key as the API shows it (alias k, its policy p). */
  private static final String KEY_JSON = "jsonb_build_object('id', k.id, 'org', k.org, 'owner', k.owner, "
      + "'prefix', k.display_prefix, 'models', k.models, 'policy', k.policy, "
      + "'limits', jsonb_strip_nulls(jsonb_build_object("
      + "'requestsPerMinute', COALESCE(k.requests_per_minute, p.requests_per_minute), "
      + "'tokensPerMinute', COALESCE(k.tokens_per_minute, p.tokens_per_minute), "
      + "'maxConcurrentStreams', COALESCE(k.max_concurrent_streams, p.max_concurrent_streams))), "
      + "'budget', " + OrgStore.budgetJson("k.") + ", "
      + "'expiresAt', to_char(k.expires_at AT TIME ZONE 'UTC', " + UTC + "), 'revoked', k.revoked, "
      + "'graceUntil', to_char(k.grace_until AT TIME ZONE 'UTC', " + UTC + "), 'version', k.version)";
  private static final String SELECT = "SELECT " + KEY_JSON + " AS j, k.org, k.id, k.key_hash, k.rotated_from_hash "
      + "FROM api_keys k LEFT JOIN limit_policies p ON p.name = k.policy ";

  private KeyStore() {
  }

  /** A key as the API shows it, plus the hashes only the server needs. */
  public record StoredKey(JsonObject json, String hash, String previousHash) {
  }

  /** What a key sets of its own; null: not set (a limit then comes from the policy). */
  public record Settings(JsonArray models, String policy, Integer rpm, Integer tpm, Integer streams,
                         Double budgetUsd, String period, Integer[] alertsAt, OffsetDateTime expiresAt) {
  }

  /** One key (locked for update inside a transaction); NotFound if absent. */
  public static Future<StoredKey> read(SqlClient client, String org, String id) {
    String lock = client instanceof SqlConnection ? " FOR UPDATE OF k" : "";
    return client.preparedQuery(SELECT + "WHERE k.org = $1 AND k.id = $2" + lock).execute(Tuple.of(org, id))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new StoreError.NotFound("key " + id))
            : Future.succeededFuture(stored(rows.iterator().next())));
  }

  /** The org's keys as the API shows them, by id. */
  public static Future<JsonArray> list(SqlClient client, String org) {
    return client.preparedQuery(SELECT + "WHERE k.org = $1 ORDER BY k.id").execute(Tuple.of(org)).map(rows -> {
      JsonArray keys = new JsonArray();
      rows.forEach(row -> keys.add(row.getJsonObject("j")));
      return keys;
    });
  }

  /** Every key: org → id → key as the API shows it. */
  public static Future<Map<String, Map<String, JsonObject>>> all(SqlClient client) {
    return client.query(SELECT + "ORDER BY k.org, k.id").execute().map(rows -> {
      Map<String, Map<String, JsonObject>> keys = new LinkedHashMap<>();
      rows.forEach(row -> keys.computeIfAbsent(row.getString("org"), o -> new LinkedHashMap<>())
          .put(row.getString("id"), row.getJsonObject("j")));
      return keys;
    });
  }

  /** The org's keys with their hashes, e.g. to revoke them at the gateways before the org goes. */
  public static Future<List<StoredKey>> ofOrg(SqlClient client, String org) {
    return client.preparedQuery(SELECT + "WHERE k.org = $1").execute(Tuple.of(org)).map(KeyStore::storedAll);
  }

  /** Every key with its hashes: what the gateways' Redis must hold (the re-seed). */
  public static Future<List<StoredKey>> everyStored(SqlClient client) {
    return client.query(SELECT + "ORDER BY k.org, k.id").execute().map(KeyStore::storedAll);
  }

  /**
   * The keys changed after version {@code since} (every key for -1), locked against changes until
   * the transaction ends (FOR SHARE): a key re-seeded into Redis cannot be changed, and published
   * by the API, between this read and the re-seed's write of it.
   */
  public static Future<List<StoredKey>> changedSince(SqlConnection tx, long since) {
    return tx.preparedQuery(SELECT + "WHERE k.changed > $1 ORDER BY k.changed FOR SHARE OF k")
        .execute(Tuple.of(since)).map(KeyStore::storedAll);
  }

  /** The hashes of keys deleted after version {@code since} (every one for -1). */
  public static Future<List<String>> deletedSince(SqlClient client, long since) {
    return client.preparedQuery("SELECT key_hash FROM api_key_tombstones WHERE changed > $1").execute(Tuple.of(since))
        .map(rows -> {
          List<String> hashes = new java.util.ArrayList<>();
          rows.forEach(row -> hashes.add(row.getString(0)));
          return hashes;
        });
  }

  /**
   * The key version PostgreSQL holds: the highest change (key written, policy changed, key
   * deleted) this transaction sees; 0 before any key.
   */
  public static Future<Long> changeVersion(SqlClient client) {
    return client.query("SELECT GREATEST((SELECT COALESCE(max(changed), 0) FROM api_keys), "
            + "(SELECT COALESCE(max(changed), 0) FROM api_key_tombstones)) AS v").execute()
        .map(rows -> rows.iterator().next().getLong("v"));
  }

  /** The keys naming a policy, whose records carry its limits. */
  public static Future<List<StoredKey>> withPolicy(SqlClient client, String policy) {
    return client.preparedQuery(SELECT + "WHERE k.policy = $1").execute(Tuple.of(policy)).map(KeyStore::storedAll);
  }

  /** @param hash the keyed hash of the new secret; {@code displayPrefix} its first characters */
  public static Future<StoredKey> insert(SqlConnection tx, String org, String id, String owner, String displayPrefix,
                                         String hash, Settings settings) {
    return tx.preparedQuery("INSERT INTO api_keys (id, org, owner, display_prefix, key_hash, models, policy, "
            + "requests_per_minute, tokens_per_minute, max_concurrent_streams, budget_usd, budget_period, expires_at, "
            + "budget_alerts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
        .execute(Tuple.from(OrgStore.values(id, org, owner, displayPrefix, hash,
            settings.models() == null ? new JsonArray().add("*") : settings.models(), settings.policy(), settings.rpm(),
            settings.tpm(), settings.streams(), settings.budgetUsd(), settings.period(), settings.expiresAt(),
            settings.alertsAt())))
        .compose(rows -> read(tx, org, id));
  }

  /** Changes the fields present in {@code body} (their values in {@code settings}); a null clears a limit. */
  public static Future<StoredKey> change(SqlConnection tx, String org, String id, JsonObject body, Settings settings) {
    return tx.preparedQuery("UPDATE api_keys SET "
            + "models = CASE WHEN $3 THEN $4 ELSE models END, "
            + "policy = CASE WHEN $5 THEN $6 ELSE policy END, "
            + "requests_per_minute = CASE WHEN $7 THEN $8 ELSE requests_per_minute END, "
            + "tokens_per_minute = CASE WHEN $9 THEN $10 ELSE tokens_per_minute END, "
            + "max_concurrent_streams = CASE WHEN $11 THEN $12 ELSE max_concurrent_streams END, "
            + "budget_usd = CASE WHEN $13 THEN $14 ELSE budget_usd END, "
            + "budget_period = CASE WHEN $13 THEN $15 ELSE budget_period END, "
            + "budget_alerts = CASE WHEN $13 THEN $18 ELSE budget_alerts END, "
            + "expires_at = CASE WHEN $16 THEN $17 ELSE expires_at END, "
            + "version = version + 1 WHERE org = $1 AND id = $2")
        .execute(Tuple.from(OrgStore.values(org, id,
            body.containsKey("models"), settings.models(),
            body.containsKey("policy"), settings.policy(),
            has(body, "requestsPerMinute"), settings.rpm(),
            has(body, "tokensPerMinute"), settings.tpm(),
            has(body, "maxConcurrentStreams"), settings.streams(),
            body.containsKey("budget"), settings.budgetUsd(), settings.period(),
            body.containsKey("expiresAt"), settings.expiresAt(), settings.alertsAt())))
        .compose(rows -> read(tx, org, id));
  }

  /** Marks the key revoked (its previous secret's grace ends too). */
  public static Future<StoredKey> revoke(SqlConnection tx, String org, String id) {
    return tx.preparedQuery("UPDATE api_keys SET revoked = true, grace_until = NULL, version = version + 1 "
        + "WHERE org = $1 AND id = $2").execute(Tuple.of(org, id)).compose(rows -> read(tx, org, id));
  }

  /** A new secret's hash; the current one stays valid for {@code graceSeconds} as the previous. */
  public static Future<StoredKey> rotate(SqlConnection tx, String org, String id, String hash, String displayPrefix,
                                         long graceSeconds) {
    return tx.preparedQuery("UPDATE api_keys SET rotated_from_hash = key_hash, key_hash = $3, display_prefix = $4, "
            + "grace_until = now() + make_interval(secs => $5), version = version + 1 WHERE org = $1 AND id = $2")
        .execute(Tuple.of(org, id, hash, displayPrefix, (double) graceSeconds))
        .compose(rows -> read(tx, org, id));
  }

  private static boolean has(JsonObject body, String limit) {
    return body.getValue("limits") instanceof JsonObject limits && limits.containsKey(limit);
  }

  private static StoredKey stored(Row row) {
    return new StoredKey(row.getJsonObject("j"), row.getString("key_hash"), row.getString("rotated_from_hash"));
  }

  private static List<StoredKey> storedAll(RowSet<Row> rows) {
    List<StoredKey> keys = new ArrayList<>();
    rows.forEach(row -> keys.add(stored(row)));
    return keys;
  }
}
