package io.tollgate.e2e;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An org of a test's own, with users in roles; closing it deletes the org (its keys are revoked at the
 * gateways) and the users, so each test leaves the platform as it found it (the audit log keeps its rows:
 * it is append-only).
 */
final class Tenant implements AutoCloseable {

  final Platform platform;
  final ControlPlane admin;
  final String org;
  final String suffix;
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final List<String> users = new ArrayList<>();

  private Tenant(Platform platform, String org, String suffix) {
    this.platform = platform;
    this.admin = new ControlPlane(platform.controlPlaneUrl(), platform.adminToken());
    this.org = org;
    this.suffix = suffix;
  }

  /** An org created by the platform admin through the REST API. */
  static Tenant create(Platform platform, String label, JsonObject fields) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Tenant tenant = new Tenant(platform, "e2e-" + label + "-" + suffix, suffix);
    tenant.admin.post("/api/v1/orgs", fields.copy().put("name", tenant.org)).expect(201);
    return tenant;
  }

  /** A new user (created by the platform admin) who holds {@code role} in this org; returns the user's token. */
  String member(String role) {
    String email = email(role);
    String token = user(email);
    admin.put("/api/v1/orgs/" + org + "/members/" + email, new JsonObject().put("role", role)).expect(200);
    tokens.put(role, token);
    return token;
  }

  /** A user in no role here. */
  String user(String email) {
    String token = admin.post("/api/v1/users", new JsonObject().put("email", email)).expect(201).json()
        .getString("token");
    users.add(email);
    return token;
  }

  String email(String role) {
    return role + "-" + suffix + "@e2e.test";
  }

  ControlPlane as(String role) {
    String token = tokens.get(role);
    if (token == null) {
      throw new IllegalStateException("no " + role + " in " + org);
    }
    return admin.as(token);
  }

  /** A key made by the platform admin; returns its secret (shown once). */
  String key(String id, JsonObject fields) {
    return admin.post("/api/v1/orgs/" + org + "/keys", fields.copy().put("id", id)).expect(201).json()
        .getString("secret");
  }

  /** The org's audit trail, oldest first, as the platform admin reads it (every page, newest first). */
  List<JsonObject> audit() {
    return allPages(admin, "/api/v1/orgs/" + org + "/audit?limit=1000");
  }

  /** Every entry of an audit listing, oldest first, following its {@code next} pages. */
  static List<JsonObject> allPages(ControlPlane reader, String path) {
    List<JsonObject> list = new ArrayList<>();
    String before = null;
    do {
      JsonObject page = reader.get(path + (before == null ? "" : "&before=" + before)).expect(200).json();
      page.getJsonArray("entries").forEach(row -> list.add(0, (JsonObject) row));
      before = page.getValue("next") == null ? null : String.valueOf(page.getValue("next"));
    } while (before != null);
    return list;
  }

  @Override
  public void close() {
    Http.Reply deleted = admin.delete("/api/v1/orgs/" + org);
    if (deleted.status() != 204 && deleted.status() != 404) {
      throw new AssertionError("cleanup: deleting " + org + " answered " + deleted.status() + ": " + deleted.body());
    }
    for (String email : users) {
      Http.Reply gone = admin.delete("/api/v1/users/" + email);
      if (gone.status() != 204 && gone.status() != 404) {
        throw new AssertionError("cleanup: deleting " + email + " answered " + gone.status() + ": " + gone.body());
      }
    }
  }
}
