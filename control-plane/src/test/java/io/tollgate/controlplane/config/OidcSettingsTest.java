package io.tollgate.controlplane.config;

import io.tollgate.controlplane.auth.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TOLLGATE_OIDC_* variables: off by default, read whole, bad values refused by name. */
class OidcSettingsTest {

  private static OidcSettings fromEnv(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("TOLLGATE_KEY_PEPPER", "p"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return ControlPlaneSettings.fromEnv(env).oidc();
  }

  @Test
  void withoutAnIssuerSingleSignOnIsOff() {
    assertFalse(fromEnv().enabled());
    assertEquals(OidcSettings.NONE, fromEnv("TOLLGATE_OIDC_AUDIENCE", "tollgate"));
  }

  @Test
  void everyVariableIsRead() {
    OidcSettings oidc = fromEnv("TOLLGATE_OIDC_ISSUER", "https://idp.example/realms/corp",
        "TOLLGATE_OIDC_AUDIENCE", "tollgate",
        "TOLLGATE_OIDC_EMAIL_CLAIM", "upn",
        "TOLLGATE_OIDC_GROUPS_CLAIM", "roles",
        "TOLLGATE_OIDC_ROLE_MAPPINGS", "team-a-owners=team-a:owner;\nops=platform-admin; x=org:with:colons:Viewer",
        "TOLLGATE_OIDC_JWKS_MIN_REFRESH_MS", "2500");
    assertTrue(oidc.enabled());
    assertEquals(new OidcSettings("https://idp.example/realms/corp", "tollgate", "upn", "roles", Map.of(
        "team-a-owners", new OidcSettings.Grant("team-a", Role.OWNER),
        "ops", OidcSettings.Grant.PLATFORM_ADMIN,
        "x", new OidcSettings.Grant("org:with:colons", Role.VIEWER)), Duration.ofMillis(2500)), oidc);
  }

  @Test
  void badValuesAreRefusedNamingTheVariable() {
    assertRefused("TOLLGATE_OIDC_ISSUER must be an http(s) URL, got \"idp.example\"",
        "TOLLGATE_OIDC_ISSUER", "idp.example", "TOLLGATE_OIDC_AUDIENCE", "tollgate");
    assertRefused("TOLLGATE_OIDC_AUDIENCE must be set with TOLLGATE_OIDC_ISSUER (the client id the provider issues "
        + "tokens for)", "TOLLGATE_OIDC_ISSUER", "https://idp.example");
    assertRefused("TOLLGATE_OIDC_ROLE_MAPPINGS: \"nope\" is not group=org:role or group=platform-admin; "
            + "\"g=team:king\": the role must be owner, admin, member, viewer or billing, as org:role",
        "TOLLGATE_OIDC_ISSUER", "https://idp.example", "TOLLGATE_OIDC_AUDIENCE", "a",
        "TOLLGATE_OIDC_ROLE_MAPPINGS", "nope; g=team:king");
    assertRefused("TOLLGATE_OIDC_JWKS_MIN_REFRESH_MS must be a whole number of milliseconds from 0 to 3600000, "
            + "got \"soon\"", "TOLLGATE_OIDC_ISSUER", "https://idp.example", "TOLLGATE_OIDC_AUDIENCE", "a",
        "TOLLGATE_OIDC_JWKS_MIN_REFRESH_MS", "soon");
  }

  private static void assertRefused(String message, String... pairs) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> fromEnv(pairs));
    assertEquals(message, refused.getMessage());
  }
}
