package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.Role;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.auth.Role.Permission;
import io.tollgate.controlplane.snapshot.ConfigVersions;
import io.tollgate.controlplane.spend.SpendReader;
import io.tollgate.controlplane.store.KeyStore;
import io.tollgate.controlplane.store.OrgStore;
import io.tollgate.controlplane.store.Tx;
import io.tollgate.controlplane.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Orgs, their members and roles, budgets, spend and audit trail. */
final class OrgsApi {

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
    return versions.<JsonObject>audited(pool, call.caller().actor(), tx -> OrgStore.insert(tx, name,
                display == null ? "" : display, policy, budget.limitUsd(), budget.period(), budget.alertsAt())
            .map(org -> new Tx.Change<>(org, call.audit("org.create", "org:" + name, null, org))))
        .map(Reply::created);
  }

  Future<Reply> list(Call call) {
    return OrgStore.list(pool, call.caller().platformAdmin() ? null : call.caller().roles().keySet()).map(Reply::ok);
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
      return OrgStore.updateDisplayAndPolicy(tx, org, display, policy)
          .map(after -> new Tx.Change<>(after, call.audit("org.update", "org:" + org, before, after)));
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
      Fields fields = new Fields(merged);
      OrgSettings settings = settings(fields);
      fields.check();
      return OrgStore.replace(tx, org, settings.storedDisplay(), settings.policy(), settings.budget().limitUsd(),
              settings.budget().period(), settings.budget().alertsAt())
          .map(after -> new Tx.Change<>(after, call.audit("org.update", "org:" + org, before, after)));
    })).map(Reply::ok);
  }

  Future<Reply> delete(Call call) {
    String org = call.param("org");
    call.require(org, Permission.ORG_DELETE);
    // Its keys go with it (cascade): the gateways refuse them before the deletion commits.
    return versions.<List<KeyStore.StoredKey>>audited(pool, call.caller().actor(), tx -> read(tx, org).compose(before ->
            keys.storedOf(tx, org).compose(orgKeys -> OrgStore.delete(tx, org)
                .map(v -> new Tx.Change<>(orgKeys, call.audit("org.delete", "org:" + org, before, null))))),
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
        OrgStore.budget(tx, org, budget.limitUsd(), budget.period(), budget.alertsAt())
            .map(after -> new Tx.Change<>(after, call.audit("org.budget", "org:" + org, before, after))))).map(Reply::ok);
  }

  Future<Reply> clearBudget(Call call) {
    String org = call.param("org");
    call.require(org, Permission.BUDGET_WRITE);
    return versions.<JsonObject>audited(pool, call.caller().actor(), tx -> read(tx, org).compose(before ->
        OrgStore.budget(tx, org, null, null, null)
            .map(after -> new Tx.Change<>(after, call.audit("org.budget", "org:" + org, before, after))))).map(Reply::ok);
  }

  /** Budgets and spend of the org and of each of its keys (billing sees money, not credentials). */
  Future<Reply> spend(Call call) {
    String org = call.param("org");
    call.require(org, Permission.SPEND_READ);
    return read(pool, org).compose(json -> OrgStore.keyBudgets(pool, org)
            .compose(keys -> {
              JsonObject budget = json.getJsonObject("budget");
              return spend.fill(org, budget, keys, Instant.now())
                  .map(v -> Reply.ok(new JsonObject().put("org", org).put("budget", budget).put("keyBudgets", keys)));
            }));
  }

  Future<Reply> members(Call call) {
    String org = call.param("org");
    call.require(org, Permission.MEMBERS_READ);
    return read(pool, org).compose(json -> OrgStore.members(pool, org)).map(Reply::ok);
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
    call.requireMayGrant(org, Role.fromWire(role));
    return Tx.<JsonObject>audited(pool, tx -> read(tx, org).compose(o -> UserStore.exists(tx, email)).compose(user -> {
          if (!user) {
            // Only users may be members; the path names the user, so there is no field to point at.
            throw new ApiError(422, "no user " + email + ": create it first (tollgate-admin users create " + email + ")",
                List.of());
          }
          return OrgStore.member(tx, org, email);
        }).compose(before -> {
          // Changing someone's role takes theirs away: an admin may not demote an owner either.
          call.requireMayGrant(org, before == null ? null : Role.fromWire(before.getString("role")));
          return OrgStore.putMember(tx, org, email, role).map(v -> {
            JsonObject after = new JsonObject().put("email", email).put("role", role);
            return new Tx.Change<>(after, call.audit("member.put", "org:" + org + "/member:" + email, before, after));
          });
        })).map(Reply::ok);
  }

  Future<Reply> deleteMember(Call call) {
    String org = call.param("org");
    String email = call.param("email");
    call.require(org, Permission.MEMBERS_WRITE);
    return Tx.<Void>audited(pool, tx -> OrgStore.member(tx, org, email).compose(before -> {
      if (before == null) {
        return Future.failedFuture(ApiError.notFound("member " + email));
      }
      call.requireMayGrant(org, Role.fromWire(before.getString("role")));
      return OrgStore.deleteMember(tx, org, email)
          .map(v -> new Tx.Change<Void>(null, call.audit("member.delete", "org:" + org + "/member:" + email,
              before, null)));
    })).map(v -> Reply.noContent());
  }

  static Future<JsonObject> read(SqlClient client, String org) {
    return OrgStore.read(client, org);
  }

  /** @param alertsAt alert thresholds in percent, ascending; null: the default 50, 80, 100 */
  record Budget(Double limitUsd, String period, Integer[] alertsAt) {
  }

  /** What an org sets: display name (null: none), limit policy, budget. */
  record OrgSettings(String display, String policy, Budget budget) {
    /** As the table keeps it: "" for no display name. */
    String storedDisplay() {
      return display == null ? "" : display;
    }
  }

  /**
   * An org's settings from a body that names them all (a merge patch's result, an apply entry),
   * each refusal collected in {@code fields}. "" is how an org without a display name reads, so it
   * means none here rather than a blank name.
   */
  static OrgSettings settings(Fields fields) {
    String display = "".equals(fields.body().getValue("display")) ? null : fields.string("display", false);
    String policy = fields.slug("policy", false);
    return new OrgSettings(display, policy, budget(fields, fields.object("budget")));
  }

  static Budget budget(Fields fields, JsonObject budget) {
    if (budget == null) {
      return new Budget(null, null, null);
    }
    String path = budget == fields.body() ? "$" : "$.budget";
    Double limit = fields.nonNegativeNumber(budget, path, "limitUsd", true);
    String period = fields.oneOf(budget, path, "period", PERIODS, "month");
    Integer[] alertsAt = alertsAt(fields, budget, path);
    return new Budget(limit, limit == null ? null : period, limit == null ? null : alertsAt);
  }

  /** Budget alert thresholds: 1 to 10 distinct whole percents from 1 to 100, kept ascending. */
  private static Integer[] alertsAt(Fields fields, JsonObject budget, String path) {
    Object value = budget.getValue("alertsAt");
    if (value == null) {
      return null;
    }
    String reason = "must be a list of 1 to 10 distinct whole percents from 1 to 100, e.g. [50, 80, 100]";
    if (!(value instanceof io.vertx.core.json.JsonArray list) || list.isEmpty() || list.size() > 10) {
      fields.refusePath(path + ".alertsAt", reason);
      return null;
    }
    java.util.TreeSet<Integer> percents = new java.util.TreeSet<>();
    for (Object item : list) {
      if (!(item instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 1
          || n.intValue() > 100 || !percents.add(n.intValue())) {
        fields.refusePath(path + ".alertsAt", reason);
        return null;
      }
    }
    return percents.toArray(Integer[]::new);
  }
}
