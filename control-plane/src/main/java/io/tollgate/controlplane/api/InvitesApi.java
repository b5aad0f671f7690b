package io.tollgate.controlplane.api;

import io.tollgate.controlplane.audit.Audit;
import io.tollgate.controlplane.auth.Passwords;
import io.tollgate.controlplane.auth.Role;
import io.tollgate.controlplane.auth.Role.Permission;
import io.tollgate.controlplane.auth.TokenHash;
import io.tollgate.controlplane.invites.InviteMailer;
import io.tollgate.controlplane.schema.Shape;
import io.tollgate.controlplane.store.InviteStore;
import io.tollgate.controlplane.store.OrgStore;
import io.tollgate.controlplane.store.Tx;
import io.tollgate.controlplane.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Invitations: an org's owners and admins invite someone who has no user yet by email, with a role;
 * the email holds a single-use link that expires; following it, the invitee chooses a password and
 * is signed in, a member with that role. Looking a link up and accepting it are anonymous (the
 * invitee has no credentials yet): the link's 256-bit token is the credential, kept as its SHA-256.
 */
final class InvitesApi {

  static final Duration VALID_FOR = Duration.ofDays(7);
  static final Shape INVITE = Shape.leaves("email", "role");
  static final Shape LINK = Shape.leaves("token");
  static final Shape ACCEPT = Shape.leaves("token", "password");
  /** Where the portal opens an invitation; the token follows the '#', so it never reaches a server log or a Referer. */
  static final String PORTAL_PATH = "/invite#";
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  private static final List<String> ROLES = Arrays.stream(Role.values()).map(Role::wire).toList();
  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private final Pool pool;
  private final InviteMailer mailer;
  private final SessionApi sessions;

  InvitesApi(Pool pool, InviteMailer mailer, SessionApi sessions) {
    this.pool = pool;
    this.mailer = mailer;
    this.sessions = sessions;
  }

  Future<Reply> invite(Call call) {
    String org = call.param("org");
    call.require(org, Permission.MEMBERS_WRITE);
    Fields fields = call.fields().strict(INVITE);
    String email = fields.string("email", true);
    if (email != null && !EMAIL.matcher(email).matches()) {
      fields.refuse("email", "must be an email address");
    }
    String role = fields.oneOf(fields.body(), "$", "role", ROLES, null);
    if (role == null && fields.body().getValue("role") == null) {
      fields.refuse("role", "is required, one of " + ROLES);
    }
    if (!mailer.configured()) {
      fields.refuse("email", "invitations are sent by email, and this control plane has no SMTP server "
          + "(TOLLGATE_SMTP_HOST): a platform admin creates the user instead");
    }
    fields.check();
    call.requireMayGrant(org, Role.fromWire(role));
    String token = TokenHash.newToken("tgi-");
    String link = portalBase(call.context().request()) + PORTAL_PATH + token;
    return Tx.<JsonObject>audited(pool, tx -> OrgsApi.read(tx, org)
            .compose(o -> UserStore.exists(tx, email))
            .compose(exists -> {
              if (exists) {
                throw ApiError.conflict(email + " already has a user: add them as a member instead (PUT /api/v1/orgs/"
                    + org + "/members/" + email + ")");
              }
              return InviteStore.pending(tx, org, email);
            })
            .compose(before -> InviteStore.put(tx, org, email, role, TokenHash.of(token), call.caller().actor(),
                    VALID_FOR.toSeconds())
                .map(after -> new Tx.Change<>(after, call.audit("invite.create", target(org, email), before, after)))),
        // Sent before the commit: an invitation whose email could not go out is not kept.
        created -> mailer.send(new InviteMailer.Invitation(email, org, role, call.caller().actor(), link,
                SHOWN.format(java.time.Instant.parse(created.getString("expiresAt")))))
            .recover(failure -> Future.failedFuture(new ApiError(502, "the invitation email could not be sent, so no "
                + "invitation was made: " + failure.getMessage(), List.of()))))
        .map(Reply::created);
  }

  Future<Reply> list(Call call) {
    String org = call.param("org");
    call.require(org, Permission.MEMBERS_READ);
    return OrgsApi.read(pool, org).compose(o -> InviteStore.listPending(pool, org)).map(Reply::ok);
  }

  Future<Reply> revoke(Call call) {
    String org = call.param("org");
    String email = call.param("email");
    call.require(org, Permission.MEMBERS_WRITE);
    return Tx.<JsonObject>audited(pool, tx -> InviteStore.pending(tx, org, email)
            .compose(pending -> {
              // As for members: an admin does not undo an owner's invitation.
              call.requireMayGrant(org, pending == null ? null : Role.fromWire(pending.getString("role")));
              return InviteStore.revoke(tx, org, email);
            })
            .map(before -> new Tx.Change<>(before, call.audit("invite.revoke", target(org, email), before, null))))
        .map(v -> Reply.noContent());
  }

  /** Anonymous: what a link invites to (the portal shows it before asking for a password). */
  Future<Reply> lookup(Call call) {
    Fields fields = call.fields().strict(LINK);
    String token = fields.string("token", true);
    fields.check();
    return usable(pool, token).map(found -> Reply.ok(new JsonObject().put("org", found.org())
        .put("email", found.email()).put("role", found.role())
        .put("expiresAt", found.expiresAt().toInstant().toString())));
  }

  /**
   * Anonymous: the invitee's password (Argon2id, hashed on a worker once the link is known good,
   * so that an unknown link costs no hashing); makes the user and the membership, uses up the
   * link, and starts a session as signing in does.
   */
  Future<Reply> accept(Call call) {
    Fields fields = call.fields().strict(ACCEPT);
    String token = fields.string("token", true);
    String password = fields.string("password", true);
    if (password != null && Passwords.weakness(password) != null) {
      fields.refuse("password", Passwords.weakness(password));
    }
    fields.check();
    String hash = TokenHash.of(token);
    return usable(pool, token)
        .compose(found -> call.context().vertx().executeBlocking(() -> Passwords.hash(password), false))
        .compose(passwordHash -> Tx.<InviteStore.Found>audited(pool, tx -> InviteStore.byTokenHash(tx, hash, true)
            .compose(found -> {
              refuseUnusable(found);
              return UserStore.exists(tx, found.email()).compose(exists -> {
                if (exists) {
                  throw ApiError.conflict(found.email() + " already has a user: sign in, and ask the org's admins to "
                      + "add you as a member");
                }
                JsonObject after = new JsonObject().put("email", found.email()).put("role", found.role());
                return InviteStore.createPasswordUser(tx, found.email(), passwordHash)
                    .compose(v -> OrgStore.putMember(tx, found.org(), found.email(), found.role()))
                    .compose(v -> InviteStore.markAccepted(tx, hash))
                    .map(v -> new Tx.Change<>(found, new Audit.Entry(found.email(), "invite.accept",
                        target(found.org(), found.email()), null, after, call.requestId())));
              });
            })))
        .compose(found -> sessions.startSession(call, found.email()));
  }

  private static Future<InviteStore.Found> usable(Pool pool, String token) {
    return InviteStore.byTokenHash(pool, TokenHash.of(token), false).map(found -> {
      refuseUnusable(found);
      return found;
    });
  }

  /** Why a link cannot be used, in words the invitee can act on. */
  private static void refuseUnusable(InviteStore.Found found) {
    if (found == null) {
      throw new ApiError(404, "this invitation link is not valid: it was revoked, or replaced by a newer invitation "
          + "(ask the organisation's admins for a new one)", List.of());
    }
    if (found.accepted()) {
      throw new ApiError(410, "this invitation was already used: sign in with the password chosen then", List.of());
    }
    if (found.expired()) {
      throw new ApiError(410, "this invitation expired on " + SHOWN.format(found.expiresAt()) + " UTC: ask the "
          + "organisation's admins for a new one", List.of());
    }
  }

  /**
   * Where the invitee opens the portal: the address the inviter reached it at. A browser's Origin
   * (the portal's own address, as the inviter saw it, whatever proxy is in between); else, for the
   * CLI, the address the request was sent to.
   */
  static String portalBase(HttpServerRequest request) {
    String origin = request.getHeader("origin");
    if (origin != null) {
      try {
        URI uri = URI.create(origin);
        if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
          return uri.getScheme() + "://" + uri.getRawAuthority();
        }
      } catch (IllegalArgumentException e) {
        // Not an origin: fall back to the request's own address.
      }
    }
    URI self = URI.create(request.absoluteURI());
    return self.getScheme() + "://" + self.getRawAuthority();
  }

  private static String target(String org, String email) {
    return "org:" + org + "/invite:" + email;
  }
}
