package io.tollgate.controlplane.session;

import io.tollgate.controlplane.api.ApiError;
import io.tollgate.controlplane.auth.Caller;
import io.tollgate.controlplane.auth.Role;
import io.tollgate.controlplane.auth.TokenHash;
import io.tollgate.controlplane.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.sqlclient.Pool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Browser sessions: a random id in an HttpOnly cookie, stored server-side as its hash, with a CSRF
 * token that every unsafe request made with the cookie must echo in {@link #CSRF_HEADER} (a page on
 * another site can make the browser send the cookie, but cannot read the token).
 */
public final class Sessions {

  public static final String COOKIE = "tollgate_session";
  /** Readable by the portal's script (not HttpOnly): it is the value it sends back in the header. */
  public static final String CSRF_COOKIE = "tollgate_csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  /** Absolute lifetime: sign in again after this, whatever the activity. */
  public static final Duration TTL = Duration.ofHours(12);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public Sessions(Pool pool) {
    this.pool = pool;
  }

  /** A new session's secrets: the cookie value and the CSRF token. */
  public record Started(String id, String csrfToken) {
  }

  public Future<Started> start(String email) {
    Started started = new Started(random(), random());
    return SessionStore.create(pool, TokenHash.of(started.id()), email, started.csrfToken(), TTL.toSeconds())
        .map(started);
  }

  /**
   * The caller whose session cookie holds {@code id}. {@code unsafe}: the request may change
   * something, so {@code csrfHeader} must be the session's CSRF token.
   */
  public Future<Caller> authenticate(String id, boolean unsafe, String csrfHeader) {
    return SessionStore.owner(pool, TokenHash.of(id)).compose(owner -> {
      if (owner == null) {
        return Future.failedFuture(ApiError.unauthorized("not signed in, or the session expired: sign in again"));
      }
      if (unsafe && (csrfHeader == null || !MessageDigest.isEqual(csrfHeader.getBytes(StandardCharsets.UTF_8),
          owner.csrfToken().getBytes(StandardCharsets.UTF_8)))) {
        return Future.failedFuture(ApiError.forbidden("missing or wrong " + CSRF_HEADER
            + " header: send the session's CSRF token (the " + CSRF_COOKIE + " cookie) with every change"));
      }
      Map<String, Role> roles = new HashMap<>();
      owner.roles().forEach((org, role) -> roles.put(org, Role.fromWire(role)));
      return Future.succeededFuture(new Caller(owner.email(), owner.platformAdmin(), Map.copyOf(roles)));
    });
  }

  /** Secure, SameSite=Strict, whole site; the session's also HttpOnly. Both end with the session. */
  public static Cookie cookie(String name, String value, boolean httpOnly) {
    return Cookie.cookie(name, value).setPath("/").setSecure(true).setHttpOnly(httpOnly)
        .setSameSite(CookieSameSite.STRICT).setMaxAge(TTL.toSeconds());
  }

  public Future<Void> end(String id) {
    return SessionStore.end(pool, TokenHash.of(id));
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
