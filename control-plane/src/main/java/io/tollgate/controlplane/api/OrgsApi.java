package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.Role;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.auth.Role.Permission;
import io.tollgate.controlplane.snapshot.ConfigVersions;
import io.tollgate.controlplane.spend.SpendReader;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Orgs, their members and roles, budgets, spend and audit trail. */
final class OrgsApi {

  static final String ORG_JSON = "jsonb_build_object('name', name, 'display', display, 'policy', policy, "
      + "'budget', CASE WHEN budget_usd IS NULL THEN NULL ELSE jsonb_build_object('limitUsd', budget_usd::float8, "
      + "'period', budget_period) END, 'version', version)";
  private static final List<String> PERIODS = List.of("day", "month");
  private static final List<String> ROLES = Arrays.stream(Role.values()).map(Role::wire).toList();

  private final Pool pool;
  /** Org policies and budgets are part of the gateways' snapshot. */
  private final ConfigVersions versions;

  private final KeysApi keys;

  private final SpendReader spend;

  OrgsApi(Pool pool, ConfigVersions versions, KeysApi keys, SpendReader spend) {
    this.spend = spend;
    this.pool = pool;
    this.versions = versions;
    this.keys = keys;
  }

  Future<Reply> create(Call call) {
    call.requirePlatformAdmin();
    Fields fields = call.fields().strict(Bodies.ORG);
    String name = fields.slug("name", true);
    String display = fields.string("display", false);
    String policy = fields.slug("policy", false);
    Budget budget = budget(fields, fields.object("budget"));
    fields.check();
    return versions.<JsonObject>audited(pool, call.caller().actor(), tx -> tx.preparedQuery("INSERT INTO orgs (name, display, policy, budget_usd, "
                + "budget_period) VALUES ($1, $2, $3, $4, $5) RETURNING " + ORG_JSON + " AS j")
            .execute(Tuple.of(name, display == null ? "" : display, policy, budget.limitUsd(), budget.period()))
            .map(rows -> {
              JsonObject org = rows.iterator().next().getJsonObject("j");
              return new Tx.Change<>(org, call.audit("org.create", "org:" + name, null, org));
            }))
        .map(Reply::created);
  }

  Future<Reply> list(Call call) {
    String where = call.caller().platformAdmin() ? "" : " WHERE name = ANY($1)";
    Tuple args = call.caller().platformAdmin() ? Tuple.tuple()
        : Tuple.of(call.caller().roles().keySet().toArray(String[]::new));
    return pool.preparedQuery("SELECT " + ORG_JSON + " AS j FROM orgs" + where + " ORDER BY name").execute(args)
        .map(rows -> {
          JsonArray orgs = new JsonArray();
          rows.forEach(row -> orgs.add(row.getJsonObject("j")));
          return Reply.ok(orgs);
        });
  }

  Future<Reply> get(Call call) {
    String org = call.param("org");
    call.require(org, Permission.ORG_READ);
    return read(pool, org).map(Reply::ok);
  }

  Future<Reply> update(Call call) {
    String org = call.param("org");
    call.require(org, Permission.ORG_WRITE);
    Fields fields = call.fields().strict(Bodies.versioned(Bodies.ORG.without("name", "budget")));
    String display = fields.string("display", false);
    String policy = fields.slug("policy", false);
    Integer version = fields.nonNegativeInt(fields.body(), "$", "version");
    ExpectedVersion expected = ExpectedVersion.of(call);
    if (version == null && expected.version() == null) {
      fields.refuse("version", "is required (the version you read), or If-Match");
    }
    fields.check();
    return versions.<JsonObject>audited(pool, call.caller().actor(), tx -> read(tx, org).compose(before -> {
      expected.check(before);
      return tx.preparedQuery("UPDATE orgs SET display = COALESCE($2, display), policy = $3, version = version + 1 "
              + "WHERE name = $1 RETURNING " + ORG_JSON + " AS j")
          .execute(Tuple.of(org, display, policy))
          .map(rows -> {
            JsonObject after = rows.iterator().next().getJsonObject("j");
            return new Tx.Change<>(after, call.audit("org.update", "org:" + org, before, after));
          });
    })).map(Reply::ok);
  }

  /**
   * A JSON merge patch (RFC 7386) of display, policy and budget: only what the body names changes,
   * null removes it ({@code "budget": null} clears the budget). The budget needs the budget
   * permission (billing has it), display and policy the org's.
   */
  Future<Reply> patch(Call call) {
    String org = call.param("org");
    JsonObject patch = call.body().copy();
    if (patch.containsKey("budget")) {
      call.require(org, Permission.BUDGET_WRITE);
    }
    if (patch.containsKey("display") || patch.containsKey("policy") || !patch.containsKey("budget")) {
      call.require(org, Permission.ORG_WRITE);
    }
    Fields checked = call.fields().strict(Bodies.versioned(Bodies.ORG.without("name")));
    checked.nonNegativeInt(patch, "$", "version");
    checked.check();
    ExpectedVersion expected = ExpectedVersion.of(call);
    patch.remove("version");
    return versions.<JsonObject>audited(pool, call.caller().actor(), tx -> read(tx, org).compose(before -> {
      expected.check(before);
      JsonObject merged = (JsonObject) MergePatch.apply(new JsonObject().put("display", before.getValue("display"))
          .put("policy", before.getValue("policy")).put("budget", before.getValue("budget")), patch);
      if ("".equals(merged.getValue("display"))) {
        merged.remove("display"); // how an org without a display name reads
      }
      Fields fields = new Fields(merged);
      String display = fields.string("display", false);
      String policy = fields.slug("policy", false);
      Budget budget = budget(fields, fields.object("budget"));
      fields.check();
      return tx.preparedQuery("UPDATE orgs SET display = $2, policy = $3, budget_usd = $4, budget_period = $5, "
              + "version = version + 1 WHERE name = $1 RETURNING " + ORG_JSON + " AS j")
          .execute(Tuple.from(KeysApi.values(org, display == null ? "" : display, policy, budget.limitUsd(),
              budget.period())))
          .map(rows -> {
            JsonObject after = rows.iterator().next().getJsonObject("j");
            return new Tx.Change<>(after, call.audit("org.update", "org:" + org, before, after));
          });
    })).map(Reply::ok);
  }

  Future<Reply> delete(Call call) {
    String org = call.param("org");
    call.require(org, Permission.ORG_DELETE);
    // Its keys go with it (cascade): the gateways refuse them before the deletion commits.
    return versions.<List<Object>>audited(pool, call.caller().actor(), tx -> read(tx, org).compose(before ->
            keys.storedOf(tx, org).compose(orgKeys -> tx.preparedQuery("DELETE FROM orgs WHERE name = $1")
                .execute(Tuple.of(org))
                .map(rows -> new Tx.Change<>(orgKeys, call.audit("org.delete", "org:" + org, before, null))))),
            keys::revokeAtGateways)
        .map(v -> Reply.noContent());
  }

  Future<Reply> setBudget(Call call) {
    String org = call.param("org");
    call.require(org, Permission.BUDGET_WRITE);
    Fields fields = call.fields().strict(Bodies.BUDGET);
    Budget budget = budget(fields, fields.body());
    fields.check();
    return versions.<JsonObject>audited(pool, call.caller().actor(), tx -> read(tx, org).compose(before ->
        tx.preparedQuery("UPDATE orgs SET budget_usd = $2, budget_period = $3, version = version + 1 "
                + "WHERE name = $1 RETURNING " + ORG_JSON + " AS j")
            .execute(Tuple.of(org, budget.limitUsd(), budget.period()))
            .map(rows -> {
              JsonObject after = rows.iterator().next().getJsonObject("j");
              return new Tx.Change<>(after, call.audit("org.budget", "org:" + org, before, after));
            }))).map(Reply::ok);
  }

  Future<Reply> clearBudget(Call call) {
    String org = call.param("org");
    call.require(org, Permission.BUDGET_WRITE);
    return versions.<JsonObject>audited(pool, call.caller().actor(), tx -> read(tx, org).compose(before ->
        tx.preparedQuery("UPDATE orgs SET budget_usd = NULL, budget_period = NULL, version = version + 1 "
                + "WHERE name = $1 RETURNING " + ORG_JSON + " AS j")
            .execute(Tuple.of(org))
            .map(rows -> {
              JsonObject after = rows.iterator().next().getJsonObject("j");
              return new Tx.Change<>(after, call.audit("org.budget", "org:" + org, before, after));
            }))).map(Reply::ok);
  }

  /** Budgets and spend of the org and of each of its keys (billing sees money, not credentials). */
  Future<Reply> spend(Call call) {
    String org = call.param("org");
    call.require(org, Permission.SPEND_READ);
    return read(pool, org).compose(json -> pool.preparedQuery("SELECT jsonb_build_object('key', id, 'limitUsd', "
                + "budget_usd::float8, 'period', budget_period) AS j FROM api_keys WHERE org = $1 AND budget_usd IS NOT NULL "
                + "ORDER BY id")
            .execute(Tuple.of(org))
            .compose(rows -> {
              JsonArray keys = new JsonArray();
              rows.forEach(row -> keys.add(row.getJsonObject("j")));
              JsonObject budget = json.getJsonObject("budget");
              return spend.fill(org, budget, keys, Instant.now())
                  .map(v -> Reply.ok(new JsonObject().put("org", org).put("budget", budget).put("keyBudgets", keys)));
            }));
  }

  Future<Reply> members(Call call) {
    String org = call.param("org");
    call.require(org, Permission.MEMBERS_READ);
    return read(pool, org).compose(json -> pool.preparedQuery(
            "SELECT jsonb_build_object('email', email, 'role', role) AS j FROM memberships WHERE org = $1 ORDER BY email")
        .execute(Tuple.of(org))
        .map(rows -> {
          JsonArray members = new JsonArray();
          rows.forEach(row -> members.add(row.getJsonObject("j")));
          return Reply.ok(members);
        }));
  }

  Future<Reply> putMember(Call call) {
    String org = call.param("org");
    String email = call.param("email");
    call.require(org, Permission.MEMBERS_WRITE);
    Fields fields = call.fields().strict(Bodies.MEMBER);
    String role = fields.oneOf(fields.body(), "$", "role", ROLES, null);
    if (role == null) {
      fields.refuse("role", "is required, one of " + ROLES);
    }
    fields.check();
    return Tx.<JsonObject>audited(pool, tx -> read(tx, org).compose(o -> memberRole(tx, org, email)).compose(before ->
        tx.preparedQuery("INSERT INTO memberships (org, email, role) VALUES ($1, $2, $3) "
                + "ON CONFLICT (org, email) DO UPDATE SET role = EXCLUDED.role")
            .execute(Tuple.of(org, email, role))
            .map(rows -> {
              JsonObject after = new JsonObject().put("email", email).put("role", role);
              return new Tx.Change<>(after, call.audit("member.put", "org:" + org + "/member:" + email, before, after));
            }))).map(Reply::ok);
  }

  Future<Reply> deleteMember(Call call) {
    String org = call.param("org");
    String email = call.param("email");
    call.require(org, Permission.MEMBERS_WRITE);
    return Tx.<Void>audited(pool, tx -> memberRole(tx, org, email).compose(before -> {
      if (before == null) {
        return Future.failedFuture(ApiError.notFound("member " + email));
      }
      return tx.preparedQuery("DELETE FROM memberships WHERE org = $1 AND email = $2").execute(Tuple.of(org, email))
          .map(rows -> new Tx.Change<Void>(null, call.audit("member.delete", "org:" + org + "/member:" + email,
              before, null)));
    })).map(v -> Reply.noContent());
  }

  static Future<JsonObject> read(io.vertx.sqlclient.SqlClient client, String org) {
    String lock = client instanceof SqlConnection ? " FOR UPDATE" : "";
    return client.preparedQuery("SELECT " + ORG_JSON + " AS j FROM orgs WHERE name = $1" + lock)
        .execute(Tuple.of(org))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiError.notFound("org " + org))
            : Future.succeededFuture(rows.iterator().next().getJsonObject("j")));
  }

  private static Future<JsonObject> memberRole(SqlConnection tx, String org, String email) {
    return tx.preparedQuery("SELECT role FROM memberships WHERE org = $1 AND email = $2").execute(Tuple.of(org, email))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new JsonObject().put("email", email).put("role", row.getString("role"));
        });
  }

  record Budget(Double limitUsd, String period) {
  }

  static Budget budget(Fields fields, JsonObject budget) {
    if (budget == null) {
      return new Budget(null, null);
    }
    String path = budget == fields.body() ? "$" : "$.budget";
    Double limit = fields.nonNegativeNumber(budget, path, "limitUsd", true);
    String period = fields.oneOf(budget, path, "period", PERIODS, "month");
    return new Budget(limit, limit == null ? null : period);
  }
}
