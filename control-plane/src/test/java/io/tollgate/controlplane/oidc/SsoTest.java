package io.tollgate.controlplane.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tollgate.controlplane.config.OidcSettings;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.json.JsonObject;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Single sign-on against a real OpenID Connect provider (mock-oauth2-server, in-process on a random
 * port): its JWTs are accepted beside our tokens, users provisioned on first use with roles from
 * the groups claim, roles lost with the group, forged, expired and wrong-audience tokens refused,
 * and keys the provider rotates picked up.
 */
class SsoTest {

  private static final String ISSUER_ID = "corp";
  private static final String AUDIENCE = "tollgate";

  /** The provider's signing key, which the test rotates (its JWKS serves the current one). */
  private static final AtomicReference<RSAKey> SIGNING = new AtomicReference<>();
  private static MockOAuth2Server idp;
  private static RunningControlPlane cp;
  private static String root;

  @BeforeAll
  static void start() throws Exception {
    SIGNING.set(key("k1"));
    KeyProvider keys = new KeyProvider() {
      @Override
      public JWK signingKey(String issuerId) {
        return SIGNING.get();
      }
    };
    idp = new MockOAuth2Server(new OAuth2Config(false, null, null, false,
        new OAuth2TokenProvider(keys, (Instant) null), java.util.Set.of()));
    idp.start();
    OidcSettings oidc = new OidcSettings(idp.issuerUrl(ISSUER_ID).toString(), AUDIENCE, "email", "groups",
        OidcSettings.parseMappings("team-a-owners=team-a:owner; team-a-viewers=team-a:viewer;"
            + " tollgate-admins=platform-admin; ghost-owners=ghost:owner"),
        Duration.ZERO);
    cp = RunningControlPlane.start(oidc);
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "team-a")).status());
    // The first token makes the control plane fetch the provider's discovery document and keys.
    Reply first = cp.get("/api/v1/me", token("warm-up@corp.example", List.of()));
    assertEquals(200, first.status(), "the provider could be asked: " + first.body());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (cp != null) {
        cp.close();
      }
    } finally {
      if (idp != null) {
        idp.shutdown();
      }
    }
  }

  private static RSAKey key(String kid) throws Exception {
    return new RSAKeyGenerator(2048).keyID(kid).algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).generate();
  }

  private static String token(String email, List<String> groups) {
    return token(email, groups, AUDIENCE, 3600);
  }

  private static String token(String email, List<String> groups, String audience, long expirySeconds) {
    return idp.issueToken(ISSUER_ID, "tollgate-cli", new DefaultOAuth2TokenCallback(ISSUER_ID, email, "JWT",
        List.of(audience), Map.of("email", email, "groups", groups), expirySeconds)).serialize();
  }

  @Test
  void firstUseProvisionsTheUserWithTheRolesItsGroupsMapTo() throws Exception {
    String token = token("alice@corp.example", List.of("team-a-owners", "ghost-owners", "unmapped"));
    Reply me = cp.get("/api/v1/me", token);
    assertEquals(200, me.status(), me.body());
    assertEquals("alice@corp.example", me.json().getString("actor"));
    assertFalse(me.json().getBoolean("platformAdmin"));
    // ghost does not exist: its mapping grants nothing until it does.
    assertEquals(new JsonObject().put("team-a", "owner"), me.json().getJsonObject("roles"));
    assertEquals(201, cp.post("/api/v1/orgs/team-a/keys", token, new JsonObject().put("id", "alice-ci")).status());
    Reply members = cp.get("/api/v1/orgs/team-a/members", root);
    assertTrue(members.body().contains("alice@corp.example"), members.body());
    Reply audit = cp.get("/api/v1/audit?action=user.sso.provision", root);
    assertTrue(audit.body().contains("user:alice@corp.example"), audit.body());
  }

  @Test
  void aUserRemovedFromTheGroupLosesTheRoleWithTheirNextToken() throws Exception {
    assertEquals(200, cp.get("/api/v1/orgs/team-a", token("bob@corp.example", List.of("team-a-owners"))).status());
    String demoted = token("bob@corp.example", List.of("team-a-viewers"));
    assertEquals("viewer", cp.get("/api/v1/me", demoted).json().getJsonObject("roles").getString("team-a"));
    assertEquals(403, cp.post("/api/v1/orgs/team-a/keys", demoted, new JsonObject().put("id", "bob-ci")).status());
    String removed = token("bob@corp.example", List.of());
    assertEquals(new JsonObject(), cp.get("/api/v1/me", removed).json().getJsonObject("roles"));
    assertEquals(404, cp.get("/api/v1/orgs/team-a", removed).status());
    Reply audit = cp.get("/api/v1/audit?action=user.sso.roles&target=user:bob@corp.example", root);
    assertEquals(2, audit.json().getJsonArray("entries").size(), audit.body());
  }

  @Test
  void thePlatformAdminGroupMakesAPlatformAdminAndLeavingItUndoesIt() throws Exception {
    assertEquals(200, cp.get("/api/v1/users", token("carol@corp.example", List.of("tollgate-admins"))).status());
    assertEquals(403, cp.get("/api/v1/users", token("carol@corp.example", List.of())).status());
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
    RSAKey forger = key("k1"); // the provider's key id, not its key
    Reply reply = cp.get("/api/v1/me", forged(forger, "mallory@corp.example"));
    assertEquals(401, reply.status(), reply.body());
    Reply unknownKid = cp.get("/api/v1/me", forged(key("not-a-provider-key"), "mallory@corp.example"));
    assertEquals(401, unknownKid.status(), unknownKid.body());
    assertFalse(cp.get("/api/v1/users", root).body().contains("mallory@corp.example"), "no user was provisioned");
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    Reply reply = cp.get("/api/v1/me", token("dave@corp.example", List.of("team-a-owners"), AUDIENCE, -3600));
    assertEquals(401, reply.status(), reply.body());
    assertTrue(reply.body().toLowerCase().contains("expired"), reply.body());
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() throws Exception {
    Reply reply = cp.get("/api/v1/me", token("erin@corp.example", List.of("team-a-owners"), "another-app", 3600));
    assertEquals(401, reply.status(), reply.body());
    assertTrue(reply.body().toLowerCase().contains("audience"), reply.body());
  }

  @Test
  void keysTheProviderRotatesArePickedUp() throws Exception {
    String before = token("frank@corp.example", List.of("team-a-viewers"));
    assertEquals(200, cp.get("/api/v1/me", before).status());
    SIGNING.set(key("k2-" + System.nanoTime()));
    String after = token("frank@corp.example", List.of("team-a-viewers"));
    Reply reply = cp.get("/api/v1/me", after);
    assertEquals(200, reply.status(), reply.body());
    // The old key is gone from the provider's JWKS: tokens it signed stop working.
    assertEquals(401, cp.get("/api/v1/me", before).status());
  }

  @Test
  void aLocalUserIsNotTakenOverBySingleSignOn() throws Exception {
    cp.user(root, "grace@corp.example", false);
    Reply reply = cp.get("/api/v1/me", token("grace@corp.example", List.of("tollgate-admins")));
    assertEquals(401, reply.status(), reply.body());
    assertTrue(reply.body().contains("local user"), reply.body());
  }

  @Test
  void theAnalyticsServiceLearnsWhoseUsageAProviderTokenReads() throws Exception {
    Reply access = cp.get("/api/v1/me/access", token("heidi@corp.example", List.of("team-a-viewers")));
    assertEquals(200, access.status(), access.body());
    assertEquals(new JsonObject().put("actor", "heidi@corp.example").put("allOrgs", false)
        .put("usageOrgs", new io.vertx.core.json.JsonArray().add("team-a")), access.json());
  }

  @Test
  void ourOwnTokensKeepWorkingBesideTheProvidersJwts() throws Exception {
    assertEquals(200, cp.get("/api/v1/me", root).status());
    assertEquals(401, cp.get("/api/v1/me", "tga-nobody").status());
  }

  /** A token with the provider's issuer and our audience, signed by someone else. */
  private static String forged(RSAKey key, String email) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), new JWTClaimsSet.Builder().issuer(idp.issuerUrl(ISSUER_ID).toString())
        .audience(AUDIENCE).subject(email).claim("email", email).claim("groups", List.of("tollgate-admins"))
        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
