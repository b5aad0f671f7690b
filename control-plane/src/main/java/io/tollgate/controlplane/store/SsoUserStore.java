package io.tollgate.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Users provisioned by single sign-on: their platform-admin flag and memberships follow the identity
 * provider's claims, rewritten when they differ; a local user with the same email is never touched.
 */
public final class SsoUserStore {

  private SsoUserStore() {
  }

  /**
   * A user as single sign-on sees it: whether they exist, whether SSO owns them, their flag and
   * roles (org → role, sorted).
   */
  public record SsoUser(boolean exists, boolean sso, boolean platformAdmin, Map<String, String> roles) {
    public JsonObject json() {
      return new JsonObject().put("platformAdmin", platformAdmin).put("roles", new JsonObject(Map.copyOf(roles)));
    }
  }

  public static Future<SsoUser> find(SqlClient client, String email) {
    return client.preparedQuery("SELECT u.sso, u.platform_admin, m.org, m.role FROM users u "
            + "LEFT JOIN memberships m ON m.email = u.email WHERE u.email = $1")
        .execute(Tuple.of(email)).map(rows -> {
          if (rows.size() == 0) {
            return new SsoUser(false, false, false, Map.of());
          }
          boolean sso = false;
          boolean admin = false;
          Map<String, String> roles = new TreeMap<>();
          for (Row row : rows) {
            sso = row.getBoolean("sso");
            admin = row.getBoolean("platform_admin");
            if (row.getString("org") != null) {
              roles.put(row.getString("org"), row.getString("role"));
            }
          }
          return new SsoUser(true, sso, admin, roles);
        });
  }

  /** Which of these orgs exist (a mapping may name an org not created yet: it grants nothing then). */
  public static Future<List<String>> existingOrgs(SqlClient client, List<String> orgs) {
    return client.preparedQuery("SELECT name FROM orgs WHERE name = ANY($1) ORDER BY name")
        .execute(Tuple.tuple().addArrayOfString(orgs.toArray(new String[0]))).map(rows -> {
          List<String> names = new ArrayList<>();
          rows.forEach(row -> names.add(row.getString("name")));
          return names;
        });
  }

  /**
   * Creates the SSO user if missing, then sets their flag and memberships to exactly these (orgs
   * that do not exist are skipped). Concurrent first uses converge: every statement is idempotent.
   */
  public static Future<Void> sync(SqlConnection tx, String email, boolean platformAdmin, Map<String, String> roles) {
    List<String> orgs = new ArrayList<>(roles.keySet());
    List<String> wanted = orgs.stream().map(roles::get).toList();
    return tx.preparedQuery("INSERT INTO users (email, platform_admin, sso) VALUES ($1, $2, true) "
            + "ON CONFLICT (email) DO UPDATE SET platform_admin = EXCLUDED.platform_admin WHERE users.sso")
        .execute(Tuple.of(email, platformAdmin))
        .compose(v -> tx.preparedQuery("DELETE FROM memberships WHERE email = $1 AND NOT (org = ANY($2))")
            .execute(Tuple.of(email, (Object) orgs.toArray(new String[0]))))
        .compose(v -> tx.preparedQuery("INSERT INTO memberships (org, email, role) SELECT w.org, $1, w.role "
                + "FROM unnest($2::text[], $3::text[]) AS w(org, role) WHERE EXISTS (SELECT 1 FROM orgs o WHERE o.name = w.org) "
                + "ON CONFLICT (org, email) DO UPDATE SET role = EXCLUDED.role")
            .execute(Tuple.of(email, orgs.toArray(new String[0]), wanted.toArray(new String[0]))))
        .mapEmpty();
  }
}
