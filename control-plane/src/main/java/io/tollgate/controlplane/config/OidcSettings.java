package io.tollgate.controlplane.config;

import io.tollgate.controlplane.auth.Role;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Single sign-on through an OpenID Connect provider (ADR 0013): the REST API accepts its JWTs beside
 * the control plane's own tokens; users are provisioned on first use, their roles mapped from a
 * claim each time.
 *
 * @param issuer       the provider's issuer URL (discovery at {@code issuer/.well-known/openid-configuration});
 *                     empty: SSO is off
 * @param audience     the {@code aud} a token must carry (the client id the tokens are issued for)
 * @param emailClaim   the claim that names the user (their email)
 * @param groupsClaim  the claim listing the user's groups
 * @param mappings     group → what it grants: an org role, or platform admin
 * @param jwksMinRefresh the provider's keys are fetched again when a token names a key not among
 *                     them (the provider rotated its keys), at most once per this interval, so that
 *                     tokens with made-up key ids cannot make every request a fetch
 * @param clientSecret the portal's client secret at the provider (empty: a public client, PKCE only)
 * @param redirectUri  where the provider sends the portal's sign-in back
 *                     ({@code https://host/portal/auth/oidc/callback}; empty: from the request's host)
 */
public record OidcSettings(String issuer, String audience, String emailClaim, String groupsClaim,
                           Map<String, Grant> mappings, Duration jwksMinRefresh, String clientSecret,
                           String redirectUri) {

  /** Without the portal's client secret and with the redirect URI taken from the request. */
  public OidcSettings(String issuer, String audience, String emailClaim, String groupsClaim,
                      Map<String, Grant> mappings, Duration jwksMinRefresh) {
    this(issuer, audience, emailClaim, groupsClaim, mappings, jwksMinRefresh, "", "");
  }

  public static final Duration DEFAULT_JWKS_MIN_REFRESH = Duration.ofSeconds(10);
  public static final OidcSettings NONE = new OidcSettings("", "", "email", "groups", Map.of(),
      DEFAULT_JWKS_MIN_REFRESH);

  /** What membership of one group grants: {@code role} in {@code org}, or platform admin (org null). */
  public record Grant(String org, Role role) {
    public static final Grant PLATFORM_ADMIN = new Grant(null, null);

    public boolean platformAdmin() {
      return org == null;
    }
  }

  public OidcSettings {
    mappings = Map.copyOf(mappings);
  }

  public boolean enabled() {
    return !issuer.isEmpty();
  }

  public static OidcSettings fromEnv(Map<String, String> env) {
    String issuer = env.getOrDefault("TOLLGATE_OIDC_ISSUER", "").trim();
    if (issuer.isEmpty()) {
      return NONE;
    }
    if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
      throw new IllegalArgumentException("TOLLGATE_OIDC_ISSUER must be an http(s) URL, got \"" + issuer + "\"");
    }
    String audience = env.getOrDefault("TOLLGATE_OIDC_AUDIENCE", "").trim();
    if (audience.isEmpty()) {
      throw new IllegalArgumentException("TOLLGATE_OIDC_AUDIENCE must be set with TOLLGATE_OIDC_ISSUER (the client id "
          + "the provider issues tokens for)");
    }
    return new OidcSettings(issuer, audience, nonBlank(env, "TOLLGATE_OIDC_EMAIL_CLAIM", "email"),
        nonBlank(env, "TOLLGATE_OIDC_GROUPS_CLAIM", "groups"),
        parseMappings(env.getOrDefault("TOLLGATE_OIDC_ROLE_MAPPINGS", "")),
        Duration.ofMillis(millis(env, "TOLLGATE_OIDC_JWKS_MIN_REFRESH_MS", DEFAULT_JWKS_MIN_REFRESH.toMillis())),
        env.getOrDefault("TOLLGATE_OIDC_CLIENT_SECRET", "").trim(),
        env.getOrDefault("TOLLGATE_OIDC_REDIRECT_URI", "").trim());
  }

  /**
   * {@code group=org:role} or {@code group=platform-admin}, separated by {@code ;} or new lines:
   * {@code team-a-owners=team-a:owner; tollgate-admins=platform-admin}. Every bad entry is named.
   */
  public static Map<String, Grant> parseMappings(String text) {
    Map<String, Grant> mappings = new LinkedHashMap<>();
    List<String> reasons = new ArrayList<>();
    for (String entry : text.split("[;\\n]")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      String group = eq < 0 ? "" : trimmed.substring(0, eq).trim();
      String target = eq < 0 ? "" : trimmed.substring(eq + 1).trim();
      if (group.isEmpty() || target.isEmpty()) {
        reasons.add("\"" + trimmed + "\" is not group=org:role or group=platform-admin");
        continue;
      }
      if (target.equals("platform-admin")) {
        mappings.put(group, Grant.PLATFORM_ADMIN);
        continue;
      }
      int colon = target.lastIndexOf(':');
      String org = colon < 0 ? "" : target.substring(0, colon).trim();
      String role = colon < 0 ? "" : target.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if (org.isEmpty() || !List.of("owner", "admin", "member", "viewer", "billing").contains(role)) {
        reasons.add("\"" + trimmed + "\": the role must be owner, admin, member, viewer or billing, as org:role");
        continue;
      }
      mappings.put(group, new Grant(org, Role.fromWire(role)));
    }
    if (!reasons.isEmpty()) {
      throw new IllegalArgumentException("TOLLGATE_OIDC_ROLE_MAPPINGS: " + String.join("; ", reasons));
    }
    return mappings;
  }

  private static long millis(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < 0 || parsed > 3_600_000) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number of milliseconds from 0 to 3600000, got \""
          + value + "\"");
    }
  }

  private static String nonBlank(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
