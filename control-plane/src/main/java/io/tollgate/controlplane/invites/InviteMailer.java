package io.tollgate.controlplane.invites;

import io.tollgate.controlplane.config.AlertSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Sends invitation emails through the SMTP server the budget alerts use (TOLLGATE_SMTP_*): one
 * server, one sender address for everything the platform mails.
 */
public final class InviteMailer {

  private static final long TIMEOUT_MS = 30_000;

  private final MailClient mail;
  private final String from;

  public InviteMailer(Vertx vertx, AlertSettings.Smtp smtp) {
    this.from = smtp.from();
    this.mail = smtp.configured() ? MailClient.createShared(vertx, config(smtp), "tollgate-invites-" + smtp.host()
        + ":" + smtp.port()) : null;
  }

  private static MailConfig config(AlertSettings.Smtp smtp) {
    MailConfig config = new MailConfig().setHostname(smtp.host()).setPort(smtp.port())
        .setStarttls(StartTLSOptions.valueOf(smtp.startTls().toUpperCase(Locale.ROOT)));
    if (smtp.username() != null && !smtp.username().isBlank()) {
      config.setUsername(smtp.username()).setPassword(smtp.password());
    }
    return config;
  }

  /** Whether invitations can be sent (an SMTP server is configured). */
  public boolean configured() {
    return mail != null;
  }

  /** The invitation: who invites, to which org, as what, the link and until when it works. */
  public record Invitation(String to, String org, String role, String invitedBy, String link, String expiresAt) {
  }

  public Future<Void> send(Invitation invitation) {
    if (mail == null) {
      return Future.failedFuture(new IllegalStateException("no SMTP server is configured (TOLLGATE_SMTP_HOST)"));
    }
    String text = invitation.invitedBy() + " invites you to the organisation " + invitation.org()
        + " on Tollgate, as " + invitation.role() + ".\n\n"
        + "Follow this link to choose a password and join:\n\n" + invitation.link() + "\n\n"
        + "The link works once, until " + invitation.expiresAt() + " (UTC). If you did not expect this, ignore it.\n";
    MailMessage message = new MailMessage().setFrom(from).setTo(invitation.to())
        .setSubject("[Tollgate] You are invited to " + invitation.org()).setText(text);
    return mail.sendMail(message).<Void>mapEmpty().timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  public void close() {
    if (mail != null) {
      mail.close();
    }
  }
}
