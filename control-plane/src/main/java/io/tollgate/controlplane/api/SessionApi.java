package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.Passwords;
import io.tollgate.controlplane.schema.Bodies;
import io.tollgate.controlplane.session.LoginThrottle;
import io.tollgate.controlplane.session.Sessions;
import io.tollgate.controlplane.store.SessionStore;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.List;

/**
 * Portal sign-in and sign-out (POST and DELETE /api/v1/session), and passwords
 * (PUT /api/v1/users/{email}/password). Password hashing runs on a worker thread.
 */
final class SessionApi {

  private static final String WRONG = "wrong email or password";

  private final Pool pool;
  private final Sessions sessions;
  private final LoginThrottle throttle;
  private final UsersApi users;

  SessionApi(Pool pool, Sessions sessions, LoginThrottle throttle, UsersApi users) {
    this.pool = pool;
    this.sessions = sessions;
    this.throttle = throttle;
    this.users = users;
  }

  /** Anonymous: the one operation without a caller. */
  Future<Reply> login(Call call) {
    Fields fields = call.fields().strict(Bodies.LOGIN);
    String email = fields.string("email", true);
    String password = fields.string("password", true);
    fields.check();
    String address = call.context().request().remoteAddress().hostAddress();
    return throttle.retryAfter(email, address)
        .recover(failure -> Future.failedFuture(new ApiError(503,
            "sign-in is unavailable: the attempt counter (Redis) cannot be reached", List.of())))
        .compose(wait -> {
          if (wait > 0) {
            call.context().response().putHeader("Retry-After", Long.toString(wait));
            return Future.failedFuture(new ApiError(429, "too many failed sign-ins for " + email
                + " from this address: try again in " + wait + " seconds", List.of()));
          }
          return SessionStore.passwordHash(pool, email)
              .compose(stored -> call.context().vertx().executeBlocking(() -> Passwords.matches(password, stored), false));
        })
        .compose(matches -> matches
            ? throttle.succeeded(email, address).compose(v -> startSession(call, email))
            : throttle.failed(email, address).compose(v -> Future.failedFuture(ApiError.unauthorized(WRONG))));
  }

  /** Starts a session for {@code email}: the cookies, and /me's answer with the CSRF token (sign-in, an accepted invite). */
  Future<Reply> startSession(Call call, String email) {
    return sessions.start(email).compose(started -> {
      HttpServerResponse response = call.context().response();
      response.addCookie(cookie(Sessions.COOKIE, started.id(), true));
      response.addCookie(cookie(Sessions.CSRF_COOKIE, started.csrfToken(), false));
      return sessions.authenticate(started.id(), false, null)
          .compose(caller -> users.me(new Call(caller, call.requestId(), call.body(), call.context())))
          .map(me -> new Reply(201, ((JsonObject) me.body()).copy().put("csrfToken", started.csrfToken())));
    });
  }

  /** Ends the cookie's session, if the request came with one, and clears the cookies. */
  Future<Reply> logout(Call call) {
    Cookie session = call.context().request().getCookie(Sessions.COOKIE);
    Future<Void> ended = session == null ? Future.succeededFuture() : sessions.end(session.getValue());
    return ended.map(v -> {
      HttpServerResponse response = call.context().response();
      response.addCookie(cookie(Sessions.COOKIE, "", true).setMaxAge(0));
      response.addCookie(cookie(Sessions.CSRF_COOKIE, "", false).setMaxAge(0));
      return Reply.noContent();
    });
  }

  /**
   * A platform admin sets anyone's password; a user their own, giving the current one if they have
   * one. Every session of the user ends.
   */
  Future<Reply> setPassword(Call call) {
    String email = call.param("email");
    boolean self = email.equals(call.caller().actor());
    if (!call.caller().platformAdmin() && !self) {
      throw ApiError.forbidden("only a platform admin may set another user's password");
    }
    Fields fields = call.fields().strict(Bodies.PASSWORD);
    String password = fields.string("password", true);
    String current = fields.string("currentPassword", false);
    if (password != null && Passwords.weakness(password) != null) {
      fields.refuse("password", Passwords.weakness(password));
    }
    fields.check();
    Future<Void> allowed = call.caller().platformAdmin() ? Future.succeededFuture()
        : SessionStore.passwordHash(pool, email).compose(stored -> stored == null ? Future.succeededFuture()
            : current == null ? Future.failedFuture(ApiError.forbidden("give currentPassword to change your password"))
            : call.context().vertx().executeBlocking(() -> Passwords.matches(current, stored), false)
                .compose(ok -> ok ? Future.succeededFuture()
                    : Future.failedFuture(ApiError.forbidden("currentPassword is wrong"))));
    return allowed
        .compose(v -> call.context().vertx().executeBlocking(() -> Passwords.hash(password), false))
        .compose(hash -> Tx.<Void>audited(pool, tx -> SessionStore.setPasswordHash(tx, email, hash)
            .map(v -> new Tx.Change<Void>(null, call.audit("user.password", "user:" + email, null, null)))))
        .map(v -> Reply.noContent());
  }

  private static Cookie cookie(String name, String value, boolean httpOnly) {
    return Sessions.cookie(name, value, httpOnly);
  }
}
