package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.Authenticator;
import io.tollgate.controlplane.auth.Caller;
import io.tollgate.controlplane.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who a request comes from: a bearer token (CLI, automation) if it has an Authorization header,
 * else the portal's session cookie (with the CSRF check for changes). Signing in is the one
 * operation asked anonymously.
 */
final class Credentials {

  static final String SESSION_PATH = "/api/v1/session";
  /** An invitee has no credentials yet: the link's token in the body is theirs. */
  static final String INVITE_LOOKUP_PATH = "/api/v1/invites/lookup";
  static final String INVITE_ACCEPT_PATH = "/api/v1/invites/accept";

  private final Authenticator tokens;
  private final Sessions sessions;

  Credentials(Authenticator tokens, Sessions sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  /** Signing in, and an invitee opening their invitation: no caller yet. */
  static boolean anonymous(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST) {
      return false;
    }
    String path = request.path();
    return SESSION_PATH.equals(path) || INVITE_LOOKUP_PATH.equals(path) || INVITE_ACCEPT_PATH.equals(path);
  }

  /** @param requestId the request's id, for the audit row a single sign-on user's first use writes */
  Future<Caller> of(HttpServerRequest request, String requestId) {
    String authorization = request.getHeader("authorization");
    Cookie session = request.getCookie(Sessions.COOKIE);
    if (authorization != null || session == null || session.getValue().isEmpty()) {
      return tokens.authenticate(authorization, requestId);
    }
    HttpMethod method = request.method();
    boolean unsafe = method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
    return sessions.authenticate(session.getValue(), unsafe, request.getHeader(Sessions.CSRF_HEADER));
  }
}
