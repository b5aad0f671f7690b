package io.tollgate.controlplane.api;

import io.tollgate.controlplane.store.AuditStore;
import io.tollgate.controlplane.catalog.CatalogResource;
import io.tollgate.controlplane.store.CatalogStore;
import io.tollgate.controlplane.store.KeyStore;
import io.tollgate.controlplane.store.OrgStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a plan's changes on the apply's transaction, one after another, each with its audit row (the
 * same SQL and audit actions as the REST operations). What must reach the gateways' Redis (key
 * records, revocations) is collected and published only once everything else has succeeded, just
 * before the commit: a dry run or a refused config publishes nothing.
 */
final class ApplyExecutor {

  /** What the changes left to do before the commit, and what to tell the caller. */
  record Done(List<Supplier<Future<Void>>> publications, Map<String, String> secrets, List<String> policies,
              int auditRows) {
  }

  private final SqlConnection tx;
  private final Call call;
  private final KeysApi keys;
  private final List<Supplier<Future<Void>>> publications = new ArrayList<>();
  private final Map<String, String> secrets = new LinkedHashMap<>();
  private final List<String> policies = new ArrayList<>();
  private int auditRows;

  ApplyExecutor(SqlConnection tx, Call call, KeysApi keys) {
    this.tx = tx;
    this.call = call;
    this.keys = keys;
  }

  Future<Done> run(List<ApplyStep> steps) {
    Future<Void> chain = Future.succeededFuture();
    for (ApplyStep step : steps) {
      if (step.changes()) {
        chain = chain.compose(v -> run(step));
      }
    }
    return chain.map(v -> new Done(publications, secrets, policies, auditRows));
  }

  private Future<Void> run(ApplyStep step) {
    return switch (step.section()) {
      case "orgs" -> org(step);
      case "members" -> member(step);
      case "keys" -> key(step);
      default -> catalog(step);
    };
  }

  private Future<Void> catalog(ApplyStep step) {
    CatalogResource resource = CatalogResource.all().stream().filter(r -> r.path().equals(step.section()))
        .findFirst().orElseThrow();
    if (resource.kind().equals("policy")) {
      policies.add(step.id()); // keys naming it get their records rewritten after the commit
    }
    String action = resource.kind() + "." + step.verb();
    String target = resource.kind() + ":" + step.id();
    if (step.verb().equals("delete")) {
      return CatalogStore.delete(tx, resource, step.id()).compose(v -> audit(action, target, step.current(), null));
    }
    LinkedHashMap<String, Object> columns = resource.columns().apply(new Fields(step.desired()), step.current() == null);
    Future<Void> write = step.current() == null ? CatalogStore.insert(tx, resource, step.id(), columns)
        : CatalogStore.update(tx, resource, step.id(), columns);
    return write.compose(v -> CatalogStore.read(tx, resource, step.id()))
        .compose(after -> audit(action, target, step.current(), after));
  }

  private Future<Void> org(ApplyStep step) {
    String org = step.id();
    String target = "org:" + org;
    if (step.verb().equals("delete")) {
      // Its keys go with it (cascade): the gateways must refuse them, as for DELETE /orgs/{org}.
      return keys.storedOf(tx, org).compose(stored -> {
        publications.add(() -> keys.revokeAtGateways(stored));
        return OrgStore.delete(tx, org);
      }).compose(v -> audit("org.delete", target, step.current(), null));
    }
    OrgsApi.OrgSettings settings = OrgsApi.settings(new Fields(step.desired())); // checked by the planner
    Future<JsonObject> written = step.current() == null
        ? OrgStore.insert(tx, org, settings.storedDisplay(), settings.policy(), settings.budget().limitUsd(),
            settings.budget().period(), settings.budget().alertsAt())
        : OrgStore.replace(tx, org, settings.storedDisplay(), settings.policy(), settings.budget().limitUsd(),
            settings.budget().period(), settings.budget().alertsAt());
    return written.compose(after -> audit("org." + step.verb(), target, step.current(), after));
  }

  private Future<Void> member(ApplyStep step) {
    int slash = step.id().indexOf('/');
    String org = step.id().substring(0, slash);
    String email = step.id().substring(slash + 1);
    String target = "org:" + org + "/member:" + email;
    if (step.verb().equals("delete")) {
      return OrgStore.deleteMember(tx, org, email).compose(v -> audit("member.delete", target, step.current(), null));
    }
    JsonObject after = new JsonObject().put("email", email).put("role", step.desired().getString("role"));
    return OrgStore.putMember(tx, org, email, after.getString("role"))
        .compose(v -> audit("member.put", target, step.current() == null ? null
            : step.current().copy().put("email", email), after));
  }

  private Future<Void> key(ApplyStep step) {
    int slash = step.id().indexOf('/');
    String org = step.id().substring(0, slash);
    String id = step.id().substring(slash + 1);
    String target = KeysApi.target(org, id);
    Future<KeyStore.StoredKey> written;
    if (step.verb().equals("revoke")) {
      written = KeysApi.revokeRow(tx, org, id);
    } else if (step.verb().equals("create")) {
      String secret = keys.newSecret();
      secrets.put(step.id(), secret);
      written = keys.insert(tx, org, id, KeysApi.ownerOf(call), KeysApi.settings(new Fields(step.desired())), secret);
    } else {
      written = KeysApi.change(tx, org, id, step.desired(), KeysApi.settings(new Fields(step.desired())));
    }
    return written.compose(key -> {
      publications.add(() -> keys.publishOrRollBack(key));
      return audit("key." + step.verb(), target, step.current(), key.json());
    });
  }

  private Future<Void> audit(String action, String target, JsonObject before, JsonObject after) {
    auditRows++;
    return AuditStore.write(tx, call.audit(action, target, before, after));
  }
}
