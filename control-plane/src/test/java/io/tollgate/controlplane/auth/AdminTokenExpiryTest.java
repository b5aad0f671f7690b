package io.tollgate.controlplane.auth;

import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admin tokens are platform credentials: they expire, and a renewed one works again. */
class AdminTokenExpiryTest {

  private static RunningControlPlane cp;
  private static String root;

  @BeforeAll
  static void setUp() throws Exception {
    cp = RunningControlPlane.start();
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
  }

  @AfterAll
  static void tearDown() throws Exception {
    cp.close();
  }

  @Test
  void aNewTokenCarriesItsExpiryOfTheConfiguredTtl() throws Exception {
    Instant before = Instant.now();
    Reply created = cp.post("/api/v1/users", root, new JsonObject().put("email", "ttl@example.com"));
    assertEquals(201, created.status(), created.body());
    Instant expires = Instant.parse(created.json().getString("tokenExpiresAt").replaceFirst("(\\+00:00|\\+00)$", "Z"));
    Duration ttl = ControlPlaneSettings.DEFAULT_ADMIN_TOKEN_TTL;
    assertTrue(!expires.isBefore(before.plus(ttl).minusSeconds(60)) && !expires.isAfter(Instant.now().plus(ttl).plusSeconds(60)),
        "expires " + expires + " about " + ttl + " after issue");
  }

  @Test
  void anExpiredTokenIsRefusedAndARenewedOneWorks() throws Exception {
    String token = cp.user(root, "late@example.com", false);
    assertEquals(200, cp.get("/api/v1/me", token).status());

    cp.schema.execute("UPDATE $S.users SET token_expires_at = now() - interval '1 second' "
        + "WHERE email = 'late@example.com'");
    Reply refused = cp.get("/api/v1/me", token);
    assertEquals(401, refused.status());
    assertTrue(refused.json().getJsonObject("error").getString("message").contains("token expired"), refused.body());

    // A user may renew their own token only while it is valid; once expired, a platform admin does it.
    assertEquals(401, cp.post("/api/v1/users/late@example.com/token", token, null).status());
    Reply renewed = cp.post("/api/v1/users/late@example.com/token", root, null);
    assertEquals(200, renewed.status(), renewed.body());
    assertEquals(200, cp.get("/api/v1/me", renewed.json().getString("token")).status());
    assertEquals(401, cp.get("/api/v1/me", token).status(), "the old token stays dead");
  }

  @Test
  void aPlatformAdminMayChooseALifetimeForServiceUsersAndNobodyElseMay() throws Exception {
    Reply reader = cp.post("/api/v1/users", root, new JsonObject().put("email", "gateway-reader@example.com")
        .put("tokenTtl", "0"));
    assertEquals(201, reader.status(), reader.body());
    assertEquals(null, reader.json().getValue("tokenExpiresAt"), "a config reader's token may never expire");

    String user = cp.user(root, "self@example.com", false);
    Reply longer = cp.post("/api/v1/users/self@example.com/token", user, new JsonObject().put("tokenTtl", "P3650D"));
    assertEquals(403, longer.status(), "a user cannot extend their own credential");
    Reply shortTtl = cp.post("/api/v1/users/self@example.com/token", root, new JsonObject().put("tokenTtl", "PT1H"));
    assertEquals(200, shortTtl.status(), shortTtl.body());
    Instant expires = Instant.parse(shortTtl.json().getString("tokenExpiresAt").replaceFirst("(\\+00:00|\\+00)$", "Z"));
    assertTrue(expires.isBefore(Instant.now().plusSeconds(3700)) && expires.isAfter(Instant.now().plusSeconds(3500)));

    Reply bad = cp.post("/api/v1/users", root, new JsonObject().put("email", "x@example.com").put("tokenTtl", "soon"));
    assertEquals(422, bad.status(), bad.body());
    assertTrue(bad.body().contains("$.tokenTtl"), bad.body());
  }

  @Test
  void theTtlSettingReadsDaysOrIsoDurationsAndZeroMeansForever() {
    Map<String, String> base = Map.of("TOLLGATE_KEY_PEPPER", "p");
    assertEquals(Duration.ofDays(90), ControlPlaneSettings.fromEnv(base).adminTokenTtl());
    assertEquals(Duration.ofDays(30), settingsWith("30").adminTokenTtl());
    assertEquals(Duration.ofHours(12), settingsWith("PT12H").adminTokenTtl());
    assertEquals(Duration.ZERO, settingsWith("0").adminTokenTtl());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> settingsWith("soon"));
    assertTrue(bad.getMessage().contains("TOLLGATE_ADMIN_TOKEN_TTL"), bad.getMessage());
  }

  private static ControlPlaneSettings settingsWith(String ttl) {
    return ControlPlaneSettings.fromEnv(Map.of("TOLLGATE_KEY_PEPPER", "p", "TOLLGATE_ADMIN_TOKEN_TTL", ttl));
  }
}
