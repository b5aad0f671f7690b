package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.Authenticator;
import io.tollgate.controlplane.auth.Role.Permission;
import io.tollgate.controlplane.keys.KeyRecordPublisher;
import io.tollgate.controlplane.keys.KeyRecords;
import io.tollgate.controlplane.keys.KeySecrets;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.store.KeyStore;
import io.tollgate.controlplane.store.KeyStore.Settings;
import io.tollgate.controlplane.store.KeyStore.StoredKey;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * API keys: the secret is in the create (and rotate) answer only; PostgreSQL keeps the keyed hash.
 * Every change is then written to the key record the gateways read in Redis and announced, so it
 * takes effect on every replica within the pub/sub latency.
 */
final class KeysApi {

  private final Pool pool;
  private final KeySecrets secrets;
  private final KeyRecordPublisher publisher;

  KeysApi(Pool pool, KeySecrets secrets, KeyRecordPublisher publisher) {
    this.pool = pool;
    this.secrets = secrets;
    this.publisher = publisher;
  }

  Future<Reply> list(Call call) {
    String org = call.param("org");
    call.require(org, Permission.KEYS_READ);
    return OrgsApi.read(pool, org).compose(o -> KeyStore.list(pool, org)).map(Reply::ok);
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
    refusePastExpiry(fields, settings);
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
    // Nor is a service account a user: keys have user owners only.
    return Authenticator.BOOTSTRAP_ACTOR.equals(call.caller().actor()) || call.caller().isServiceAccount() ? null
        : call.caller().actor();
  }

  /** A new secret, shown once by whoever creates the key. */
  String newSecret() {
    return secrets.newSecret();
  }

  /** Inserts a key whose settings were checked; only the secret's keyed hash is stored. */
  Future<StoredKey> insert(SqlConnection tx, String org, String id, String owner, Settings settings, String secret) {
    return KeyStore.insert(tx, org, id, owner, KeySecrets.displayPrefix(secret), secrets.hash(secret), settings);
  }

  Future<Reply> update(Call call) {
    String org = call.param("org");
    String id = call.param("id");
    call.require(org, Permission.KEYS_WRITE);
    Fields fields = call.fields().strict(Bodies.versioned(Bodies.KEY.without("id")));
    Settings settings = settings(fields);
    refusePastExpiry(fields, settings);
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
    return KeyStore.change(tx, org, id, body, settings);
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
    return KeyStore.revoke(tx, org, id);
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
          return KeyStore.rotate(tx, org, id, hash, KeySecrets.displayPrefix(secret), graceSeconds)
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
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, JsonObject> record : KeyRecords.forGateways(key).entrySet()) {
      chain = chain.compose(v -> publisher.put(record.getKey(), record.getValue()));
    }
    return chain;
  }

  /** The keys of an org with their hashes (server side only), e.g. before the org is deleted. */
  Future<List<StoredKey>> storedOf(SqlClient client, String org) {
    return KeyStore.ofOrg(client, org);
  }

  /** Revokes at the gateways every key given (their org is going): current and previous secrets; 503 if Redis cannot. */
  Future<Void> revokeAtGateways(List<StoredKey> keys) {
    return revokeEach(keys).recover(failure -> Future.failedFuture(new ApiError(503,
        "the gateways' key store (Redis) is unavailable, nothing was changed: " + failure.getMessage(), List.of())));
  }

  private Future<Void> revokeEach(List<StoredKey> keys) {
    Future<Void> chain = Future.succeededFuture();
    for (StoredKey key : keys) {
      JsonObject revoked = KeyRecords.of(key.json()).put("revoked", true);
      chain = chain.compose(v -> publisher.put(key.hash(), revoked))
          .compose(v -> key.previousHash() == null ? Future.succeededFuture() : publisher.put(key.previousHash(), revoked));
    }
    return chain;
  }

  /** After a limit policy changed: every key naming it gets its record rewritten with the new limits. */
  Future<Void> republishPolicy(String policy) {
    return KeyStore.withPolicy(pool, policy).compose(keys -> {
      Future<Void> chain = Future.succeededFuture();
      for (StoredKey key : keys) {
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


  static Future<StoredKey> read(SqlClient client, String org, String id) {
    return KeyStore.read(client, org, id);
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
    return new Settings(models, policy, rpm, tpm, streams, budget.limitUsd(), budget.period(), budget.alertsAt(),
        expiresAt);
  }

  /**
   * A key made to expire in the past would be accepted now and refused at the gateways later, as
   * if its secret were wrong: an expiry given now must be ahead of now.
   */
  static void refusePastExpiry(Fields fields, Settings settings) {
    if (settings.expiresAt() != null && !settings.expiresAt().toInstant().isAfter(Instant.now())) {
      fields.refuse("expiresAt", "is in the past (" + settings.expiresAt().toInstant()
          + "): a key's expiry must be ahead of now");
    }
  }

  static String target(String org, String id) {
    return "org:" + org + "/key:" + id;
  }
}
