package io.tollgate.controlplane.oidc;

import io.tollgate.controlplane.api.ApiError;
import io.tollgate.controlplane.audit.Audit;
import io.tollgate.controlplane.auth.Caller;
import io.tollgate.controlplane.auth.Role;
import io.tollgate.controlplane.config.OidcSettings;
import io.tollgate.controlplane.store.SsoUserStore;
import io.tollgate.controlplane.store.SsoUserStore.SsoUser;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Callers with the identity provider's JWTs: the token checked ({@link OidcVerifier}), the user
 * provisioned on first use, and their platform-admin flag and org roles set from the groups claim
 * through the configured mappings at every use, so that someone removed from a group loses its role
 * with their next token. A change is written (and audited) only when the claims differ from what is
 * stored. A local user with the same email is refused rather than taken over.
 */
public final class SsoUsers {

  /** Audit actions. */
  static final String PROVISION = "user.sso.provision";
  static final String ROLES = "user.sso.roles";

  private final Pool pool;
  private final OidcVerifier verifier;
  private final OidcSettings settings;

  public SsoUsers(Pool pool, OidcVerifier verifier, OidcSettings settings) {
    this.pool = pool;
    this.verifier = verifier;
    this.settings = settings;
  }

  public OidcVerifier verifier() {
    return verifier;
  }

  /** @param requestId recorded in the audit row when the user is provisioned or their roles change */
  public Future<Caller> authenticate(String token, String requestId) {
    return verifier.verify(token).compose(claims -> caller(claims, requestId == null
        ? "sso-" + UUID.randomUUID() : requestId));
  }

  /** The caller the verified claims make, after the stored user is brought in line with them. */
  public Future<Caller> caller(JsonObject claims, String requestId) {
    Object emailClaim = claims.getValue(settings.emailClaim());
    if (!(emailClaim instanceof String email) || !email.contains("@")) {
      return Future.failedFuture(ApiError.unauthorized("the identity provider's token carries no email in its \""
          + settings.emailClaim() + "\" claim"));
    }
    boolean platformAdmin = false;
    Map<String, Role> granted = new HashMap<>();
    for (String group : groups(claims)) {
      OidcSettings.Grant grant = settings.mappings().get(group);
      if (grant == null) {
        continue;
      }
      if (grant.platformAdmin()) {
        platformAdmin = true;
      } else {
        // Two groups granting roles in one org: the stronger one (owner first in Role's order).
        granted.merge(grant.org(), grant.role(), (a, b) -> a.ordinal() <= b.ordinal() ? a : b);
      }
    }
    boolean admin = platformAdmin;
    return SsoUserStore.existingOrgs(pool, new ArrayList<>(granted.keySet())).compose(existing -> {
      Map<String, String> roles = new TreeMap<>();
      existing.forEach(org -> roles.put(org, granted.get(org).wire()));
      SsoUser wanted = new SsoUser(true, true, admin, roles);
      return SsoUserStore.find(pool, email).compose(stored -> {
        if (stored.exists() && !stored.sso()) {
          return Future.failedFuture(ApiError.unauthorized("a local user has the email " + email
              + ": single sign-on does not take over local users (delete the local user to let it)"));
        }
        Future<Void> synced = stored.equals(wanted) ? Future.succeededFuture()
            : Tx.audited(pool, tx -> SsoUserStore.sync(tx, email, admin, roles).map(v -> new Tx.Change<Void>(null,
                new Audit.Entry(email, stored.exists() ? ROLES : PROVISION, "user:" + email,
                    stored.exists() ? stored.json() : null, wanted.json(), requestId))));
        Map<String, Role> callerRoles = new HashMap<>();
        roles.forEach((org, role) -> callerRoles.put(org, Role.fromWire(role)));
        return synced.map(v -> new Caller(email, admin, false, Map.copyOf(callerRoles)));
      });
    });
  }

  /** The groups claim: a list of names, or one name. */
  private List<String> groups(JsonObject claims) {
    Object value = claims.getValue(settings.groupsClaim());
    List<String> groups = new ArrayList<>();
    if (value instanceof JsonArray array) {
      array.forEach(group -> groups.add(String.valueOf(group)));
    } else if (value instanceof String one) {
      groups.add(one);
    }
    return groups;
  }
}
