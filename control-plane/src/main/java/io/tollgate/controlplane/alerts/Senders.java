package io.tollgate.controlplane.alerts;

import io.tollgate.controlplane.config.AlertSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

import java.net.URI;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Sends a notice through a channel: a POST to a webhook (Slack, Teams or the signed generic JSON)
 * or an email over SMTP. A send fails with the reason recorded in the history (the receiver's
 * status, a refused connection, the SMTP server's answer).
 */
public final class Senders implements AutoCloseable {

  static final long TIMEOUT_MS = 10_000;
  private static final int MAX_REASON = 300;

  private final HttpClient http;
  private final MailClient mail;
  private final AlertSettings.Smtp smtp;
  private final LongSupplier wallMillis;

  public Senders(Vertx vertx, AlertSettings.Smtp smtp, LongSupplier wallMillis) {
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS));
    this.smtp = smtp;
    this.wallMillis = wallMillis;
    this.mail = smtp.configured() ? MailClient.createShared(vertx, mailConfig(smtp), "tollgate-alerts-" + smtp.host()
        + ":" + smtp.port()) : null;
  }

  private static MailConfig mailConfig(AlertSettings.Smtp smtp) {
    MailConfig config = new MailConfig().setHostname(smtp.host()).setPort(smtp.port())
        .setStarttls(StartTLSOptions.valueOf(smtp.startTls().toUpperCase(Locale.ROOT)));
    if (smtp.username() != null && !smtp.username().isBlank()) {
      config.setUsername(smtp.username()).setPassword(smtp.password());
    }
    return config;
  }

  /** Whether email channels can be sent through (an SMTP server is configured). */
  public boolean emailConfigured() {
    return mail != null;
  }

  public Future<Void> send(Channel channel, Notice notice) {
    return switch (channel.type()) {
      case "slack" -> post(channel, Payloads.slack(notice));
      case "teams" -> post(channel, Payloads.teams(notice));
      case "webhook" -> post(channel, Payloads.generic(notice));
      case "email" -> email(channel, notice);
      default -> Future.failedFuture(new IllegalStateException("unknown channel type " + channel.type()));
    };
  }

  private Future<Void> post(Channel channel, JsonObject payload) {
    String body = payload.encode();
    RequestOptions options;
    try {
      options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(URI.create(channel.target()).toString())
          .setTimeout(TIMEOUT_MS).putHeader("content-type", "application/json")
          .putHeader("user-agent", "Tollgate-Alerts");
    } catch (RuntimeException e) {
      return Future.failedFuture(new DeliveryFailure("bad webhook URL: " + e.getMessage()));
    }
    if (channel.secret() != null) {
      long timestamp = wallMillis.getAsLong() / 1_000;
      options.putHeader(Signature.TIMESTAMP_HEADER, Long.toString(timestamp))
          .putHeader(Signature.SIGNATURE_HEADER, Signature.sign(channel.secret(), timestamp, body));
    }
    return http.request(options)
        .compose(request -> request.send(Buffer.buffer(body)))
        .compose(response -> response.body().compose(answer -> response.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new DeliveryFailure("HTTP " + response.statusCode() + " from the webhook: "
                + clip(answer.toString())))))
        .recover(failure -> Future.failedFuture(failure instanceof DeliveryFailure ? failure
            : new DeliveryFailure(describe(failure))));
  }

  private Future<Void> email(Channel channel, Notice notice) {
    if (mail == null) {
      return Future.failedFuture(new DeliveryFailure("no SMTP server is configured (TOLLGATE_SMTP_HOST)"));
    }
    StringBuilder text = new StringBuilder(notice.text()).append("\n\n");
    notice.facts().forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
    MailMessage message = new MailMessage().setFrom(smtp.from()).setTo(channel.target())
        .setSubject("[Tollgate] " + notice.title()).setText(text.toString());
    return mail.sendMail(message).<Void>mapEmpty()
        .timeout(TIMEOUT_MS * 3, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(failure -> Future.failedFuture(new DeliveryFailure("SMTP: " + describe(failure))));
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return clip(failure.getClass().getSimpleName() + (message == null ? "" : ": " + message));
  }

  private static String clip(String text) {
    return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON) + "…";
  }

  @Override
  public void close() {
    http.close();
    if (mail != null) {
      mail.close();
    }
  }

  /** Why a delivery did not arrive, in the words the history shows. */
  public static final class DeliveryFailure extends RuntimeException {
    public DeliveryFailure(String reason) {
      super(reason, null, false, false);
    }
  }
}
