package io.tollgate.controlplane.invites;

import io.tollgate.controlplane.alerts.Senders;
import io.tollgate.controlplane.config.AlertSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;

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
    this.mail = smtp.configured() ? MailClient.createShared(vertx, Senders.mailConfig(smtp), "tollgate-invites-" + smtp.host()
        + ":" + smtp.port()) : null;
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
