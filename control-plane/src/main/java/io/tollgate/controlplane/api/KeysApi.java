package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.Authenticator;
import io.tollgate.controlplane.auth.Role.Permission;
import io.tollgate.controlplane.keys.KeyRecordPublisher;
import io.tollgate.controlplane.keys.KeySecrets;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * API keys: the secret is in the create (and rotate) answer only; PostgreSQL keeps the keyed hash.
 * Every change is then written to the key record the gateways read in Redis and announced, so it
 * takes effect on every replica within the pub/sub latency.
 */
final class KeysApi {

  private static final String UTC = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";
  static final String KEY_JSON = "jsonb_build_object('id', k.id, 'org', k.org, 'owner', k.owner, "
      + "'prefix', k.display_prefix, 'models', k.models, 'policy', k.policy, "
      + "'limits', jsonb_strip_nulls(jsonb_build_object("
      + "'requestsPerMinute', COALESCE(k.requests_per_minute, p.requests_per_minute), "
      + "'tokensPerMinute', COALESCE(k.tokens_per_minute, p.tokens_per_minute), "
      + "'maxConcurrentStreams', COALESCE(k.max_concurrent_streams, p.max_concurrent_streams))), "
      + "'budget', CASE WHEN k.budget_usd IS NULL THEN NULL ELSE jsonb_build_object('limitUsd', k.budget_usd::float8, "
      + "'period', k.budget_period) END, "
      + "'expiresAt', to_char(k.expires_at AT TIME ZONE 'UTC', " + UTC + "), 'revoked', k.revoked, "
      + "'graceUntil', to_char(k.grace_until AT TIME ZONE 'UTC', " + UTC + "), 'version', k.version)";
  private static final String SELECT = "SELECT " + KEY_JSON + " AS j, k.key_hash, k.rotated_from_hash FROM api_keys k "
      + "LEFT JOIN limit_policies p ON p.name = k.policy ";

  private final Pool pool;
  private final KeySecrets secrets;
  private final KeyRecordPublisher publisher;

  KeysApi(Pool pool, KeySecrets secrets, KeyRecordPublisher publisher) {
    this.pool = pool;
    this.secrets = secrets;
    this.publisher = publisher;
  }

  /** A key as the API shows it, plus the hashes only the server needs. */
  record StoredKey(JsonObject json, String hash, String previousHash) {
  }

  Future<Reply> list(Call call) {
    String org = call.param("org");
    call.require(org, Permission.KEYS_READ);
    return OrgsApi.read(pool, org).compose(o -> pool.preparedQuery(SELECT + "WHERE k.org = $1 ORDER BY k.id")
        .execute(Tuple.of(org))
        .map(rows -> {
          JsonArray keys = new JsonArray();
          rows.forEach(row -> keys.add(row.getJsonObject("j")));
          return Reply.ok(keys);
        }));
  }

  Future<Reply> get(Call call) {
    String org = call.param("org");
    call.require(org, Permission.KEYS_READ);
    return read(pool, org, call.param("id")).map(key -> Reply.ok(key.json()));
  }

  Future<Reply> create(Call call) {
    String org = call.param("org");
    call.require(org, Permission.KEYS_WRITE);
    Fields fields = call.fields().strict(Bodies.KEY);
    String id = fields.slug("id", true);
    Settings settings = settings(fields);
    fields.check();
    String secret = secrets.newSecret();
    String owner = ownerOf(call);
    return Tx.<StoredKey>audited(pool, tx -> OrgsApi.read(tx, org).compose(o -> insert(tx, org, id, owner, settings, secret))
            .map(key -> new Tx.Change<>(key, call.audit("key.create", target(org, id), null, key.json()))), this::publishOrRollBack)
        // The secret appears here and nowhere else, ever.
        .map(key -> Reply.created(key.json().copy().put("secret", secret)));
  }

  /** Who owns the keys a caller creates: the bootstrap token is nobody, so its keys have none. */
  static String ownerOf(Call call) {
    return Authenticator.BOOTSTRAP_ACTOR.equals(call.caller().actor()) ? null : call.caller().actor();
  }

  /** A new secret, shown once by whoever creates the key. */
  String newSecret() {
    return secrets.newSecret();
  }

  /** Inserts a key whose settings were checked; only the secret's keyed hash is stored. */
  Future<StoredKey> insert(SqlConnection tx, String org, String id, String owner, Settings settings, String secret) {
    return tx.preparedQuery("INSERT INTO api_keys (id, org, owner, display_prefix, key_hash, models, policy, "
            + "requests_per_minute, tokens_per_minute, max_concurrent_streams, budget_usd, budget_period, expires_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .execute(Tuple.from(values(id, org, owner, KeySecrets.displayPrefix(secret), secrets.hash(secret),
            settings.models() == null ? new JsonArray().add("*") : settings.models(), settings.policy(), settings.rpm(),
            settings.tpm(), settings.streams(), settings.budgetUsd(), settings.period(), settings.expiresAt())))
        .compose(rows -> read(tx, org, id));
  }

  Future<Reply> update(Call call) {
    String org = call.param("org");
    String id = call.param("id");
    call.require(org, Permission.KEYS_WRITE);
    Fields fields = call.fields().strict(Bodies.versioned(Bodies.KEY.without("id")));
    Settings settings = settings(fields);
    fields.nonNegativeInt(fields.body(), "$", "version");
    fields.check();
    ExpectedVersion expected = ExpectedVersion.of(call);
    JsonObject body = call.body();
    return Tx.<StoredKey>audited(pool, tx -> read(tx, org, id).compose(before -> {
          expected.check(before.json());
          return change(tx, org, id, body, settings)
              .map(after -> new Tx.Change<>(after, call.audit("key.update", target(org, id), before.json(),
                  after.json())));
        }), this::publishOrRollBack)
        .map(key -> Reply.ok(key.json()));
  }

  /** Changes the fields present in {@code body} (checked into {@code settings}); an explicit null clears a limit. */
  static Future<StoredKey> change(SqlConnection tx, String org, String id, JsonObject body, Settings settings) {
    return tx.preparedQuery("UPDATE api_keys SET "
            + "models = CASE WHEN $3 THEN $4 ELSE models END, "
            + "policy = CASE WHEN $5 THEN $6 ELSE policy END, "
            + "requests_per_minute = CASE WHEN $7 THEN $8 ELSE requests_per_minute END, "
            + "tokens_per_minute = CASE WHEN $9 THEN $10 ELSE tokens_per_minute END, "
            + "max_concurrent_streams = CASE WHEN $11 THEN $12 ELSE max_concurrent_streams END, "
            + "budget_usd = CASE WHEN $13 THEN $14 ELSE budget_usd END, "
            + "budget_period = CASE WHEN $13 THEN $15 ELSE budget_period END, "
            + "expires_at = CASE WHEN $16 THEN $17 ELSE expires_at END, "
            + "version = version + 1 WHERE org = $1 AND id = $2")
        .execute(Tuple.from(values(org, id,
            body.containsKey("models"), settings.models(),
            body.containsKey("policy"), settings.policy(),
            has(body, "requestsPerMinute"), settings.rpm(),
            has(body, "tokensPerMinute"), settings.tpm(),
            has(body, "maxConcurrentStreams"), settings.streams(),
            body.containsKey("budget"), settings.budgetUsd(), settings.period(),
            body.containsKey("expiresAt"), settings.expiresAt())))
        .compose(rows -> read(tx, org, id));
  }

  Future<Reply> revoke(Call call) {
    String org = call.param("org");
    String id = call.param("id");
    call.require(org, Permission.KEYS_WRITE);
    return Tx.<StoredKey>audited(pool, tx -> read(tx, org, id).compose(before ->
            revokeRow(tx, org, id)
                .map(after -> new Tx.Change<>(after, call.audit("key.revoke", target(org, id), before.json(),
                    after.json())))), this::publishOrRollBack)
        .map(key -> Reply.ok(key.json()));
  }

  /** Marks the key revoked (its previous secret's grace ends too). */
  static Future<StoredKey> revokeRow(SqlConnection tx, String org, String id) {
    return tx.preparedQuery("UPDATE api_keys SET revoked = true, grace_until = NULL, version = version + 1 "
        + "WHERE org = $1 AND id = $2").execute(Tuple.of(org, id)).compose(rows -> read(tx, org, id));
  }

  /** A new secret; the old one keeps working until the grace period ends (default 1 h, 0 = at once). */
  Future<Reply> rotate(Call call) {
    String org = call.param("org");
    String id = call.param("id");
    call.require(org, Permission.KEYS_WRITE);
    Fields fields = call.fields().strict(Bodies.ROTATE);
    Integer grace = fields.nonNegativeInt(fields.body(), "$", "graceSeconds");
    fields.check();
    long graceSeconds = grace == null ? 3600 : grace;
    String secret = secrets.newSecret();
    String hash = secrets.hash(secret);
    // Only one previous secret lives on: the one before it (if still in grace) dies now.
    String[] retired = new String[1];
    return Tx.<StoredKey>audited(pool, tx -> read(tx, org, id).compose(before -> {
          if (before.json().getBoolean("revoked")) {
            return Future.failedFuture(ApiError.conflict("key " + id + " is revoked"));
          }
          retired[0] = before.previousHash();
          return tx.preparedQuery("UPDATE api_keys SET rotated_from_hash = key_hash, key_hash = $3, display_prefix = $4, "
                  + "grace_until = now() + make_interval(secs => $5), version = version + 1 WHERE org = $1 AND id = $2")
              .execute(Tuple.of(org, id, hash, KeySecrets.displayPrefix(secret), (double) graceSeconds))
              .compose(rows -> read(tx, org, id))
              .map(after -> new Tx.Change<>(after, call.audit("key.rotate", target(org, id), before.json(),
                  after.json())));
        }), key -> publishOrRollBack(key).compose(v -> retire(key, retired[0])))
        .map(key -> Reply.ok(key.json().copy().put("secret", secret)));
  }

  /**
   * Publishes before the transaction commits: if Redis cannot take the record, nothing changes and
   * the caller learns it (503), rather than a revocation being stored but never reaching a gateway.
   * If the commit fails after a successful publish, no secret was shown, so a created key is unusable.
   */
  Future<Void> publishOrRollBack(StoredKey key) {
    return publish(key).recover(failure -> Future.failedFuture(new ApiError(503,
        "the gateways' key store (Redis) is unavailable, nothing was changed: " + failure.getMessage(), List.of())));
  }

  /**
   * The gateway's record for the current hash, and for the previous one (if rotated) a copy that
   * expires when the grace period ends.
   */
  private Future<Void> publish(StoredKey key) {
    JsonObject record = KeyRecords.of(key.json());
    Future<Void> current = publisher.put(key.hash(), record);
    if (key.previousHash() == null) {
      return current;
    }
    JsonObject previous = record.copy().put("expiresAt", graceEnd(key.json()));
    return current.compose(v -> publisher.put(key.previousHash(), previous));
  }

  /** The keys of an org with their hashes (server side only), e.g. before the org is deleted. */
  Future<List<Object>> storedOf(SqlClient client, String org) {
    return client.preparedQuery(SELECT + "WHERE k.org = $1").execute(Tuple.of(org)).map(rows -> {
      List<Object> keys = new ArrayList<>();
      for (Row row : rows) {
        keys.add(new StoredKey(row.getJsonObject("j"), row.getString("key_hash"), row.getString("rotated_from_hash")));
      }
      return keys;
    });
  }

  /** Revokes at the gateways every key given (their org is going): current and previous secrets; 503 if Redis cannot. */
  Future<Void> revokeAtGateways(List<Object> keys) {
    return revokeEach(keys).recover(failure -> Future.failedFuture(new ApiError(503,
        "the gateways' key store (Redis) is unavailable, nothing was changed: " + failure.getMessage(), List.of())));
  }

  private Future<Void> revokeEach(List<Object> keys) {
    Future<Void> chain = Future.succeededFuture();
    for (Object item : keys) {
      StoredKey key = (StoredKey) item;
      JsonObject revoked = KeyRecords.of(key.json()).put("revoked", true);
      chain = chain.compose(v -> publisher.put(key.hash(), revoked))
          .compose(v -> key.previousHash() == null ? Future.succeededFuture() : publisher.put(key.previousHash(), revoked));
    }
    return chain;
  }

  /** After a limit policy changed: every key naming it gets its record rewritten with the new limits. */
  Future<Void> republishPolicy(String policy) {
    return pool.preparedQuery(SELECT + "WHERE k.policy = $1").execute(Tuple.of(policy)).compose(rows -> {
      Future<Void> chain = Future.succeededFuture();
      for (Row row : rows) {
        StoredKey key = new StoredKey(row.getJsonObject("j"), row.getString("key_hash"), row.getString("rotated_from_hash"));
        chain = chain.compose(v -> publish(key));
      }
      return chain;
    });
  }

  private Future<Void> retire(StoredKey key, String hash) {
    if (hash == null) {
      return Future.succeededFuture();
    }
    return publisher.put(hash, KeyRecords.of(key.json()).put("revoked", true).put("expiresAt", Instant.EPOCH.toString()));
  }

  private static String graceEnd(JsonObject key) {
    String grace = key.getString("graceUntil");
    // Revoked, or grace over: the old secret is dead now.
    return grace == null ? Instant.EPOCH.toString() : grace;
  }

  static Future<StoredKey> read(SqlClient client, String org, String id) {
    String lock = client instanceof SqlConnection ? " FOR UPDATE OF k" : "";
    return client.preparedQuery(SELECT + "WHERE k.org = $1 AND k.id = $2" + lock).execute(Tuple.of(org, id))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiError.notFound("key " + id));
          }
          Row row = rows.iterator().next();
          return Future.succeededFuture(new StoredKey(row.getJsonObject("j"), row.getString("key_hash"),
              row.getString("rotated_from_hash")));
        });
  }

  record Settings(JsonArray models, String policy, Integer rpm, Integer tpm, Integer streams,
                          Double budgetUsd, String period, OffsetDateTime expiresAt) {
  }

  static Settings settings(Fields fields) {
    JsonArray models = fields.stringArray("models");
    String policy = fields.slug("policy", false);
    JsonObject limits = fields.object("limits");
    Integer rpm = fields.nonNegativeInt(limits, "$.limits", "requestsPerMinute");
    Integer tpm = fields.nonNegativeInt(limits, "$.limits", "tokensPerMinute");
    Integer streams = fields.nonNegativeInt(limits, "$.limits", "maxConcurrentStreams");
    OrgsApi.Budget budget = OrgsApi.budget(fields, fields.object("budget"));
    String expiresText = fields.string("expiresAt", false);
    OffsetDateTime expiresAt = null;
    if (expiresText != null) {
      try {
        expiresAt = Instant.parse(expiresText).atOffset(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        fields.refuse("expiresAt", "must be an ISO-8601 instant, e.g. 2027-01-01T00:00:00Z");
      }
    }
    return new Settings(models, policy, rpm, tpm, streams, budget.limitUsd(), budget.period(), expiresAt);
  }

  private static boolean has(JsonObject body, String limit) {
    JsonObject limits = body.getJsonObject("limits");
    return limits != null && limits.containsKey(limit);
  }

  static String target(String org, String id) {
    return "org:" + org + "/key:" + id;
  }

  /** Tuple values that may be null (List.of refuses nulls). */
  static List<Object> values(Object... values) {
    List<Object> list = new ArrayList<>();
    java.util.Collections.addAll(list, values);
    return list;
  }
}
