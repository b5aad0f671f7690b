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
import io.vertx.core.net.SocketAddress;
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
  private final Vertx vertx;
  private final WebhookEgress egress;

  /** With the default webhook egress (public addresses only). */
  public Senders(Vertx vertx, AlertSettings.Smtp smtp, LongSupplier wallMillis) {
    this(vertx, smtp, new WebhookEgress(AlertSettings.Webhooks.PUBLIC_ONLY), wallMillis);
  }

  public Senders(Vertx vertx, AlertSettings.Smtp smtp, WebhookEgress egress, LongSupplier wallMillis) {
    this.vertx = vertx;
    this.egress = egress;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS));
    this.smtp = smtp;
    this.wallMillis = wallMillis;
    this.mail = smtp.configured() ? MailClient.createShared(vertx, mailConfig(smtp), "tollgate-alerts-" + smtp.host()
        + ":" + smtp.port()) : null;
  }

  /** The SMTP server's client settings, for alerts and invitations alike (STARTTLS or implicit TLS, login). */
  public static MailConfig mailConfig(AlertSettings.Smtp smtp) {
    MailConfig config = new MailConfig().setHostname(smtp.host()).setPort(smtp.port())
        .setStarttls(StartTLSOptions.valueOf(smtp.startTls().toUpperCase(Locale.ROOT))).setSsl(smtp.ssl());
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

  /** Where webhooks may be posted; the API checks a new channel's URL with it too. */
  public WebhookEgress egress() {
    return egress;
  }

  /**
   * Checks a new channel's URL against the egress rules: fails with {@link WebhookEgress.Refused}
   * for a host or a resolved address not allowed. A name that does not resolve now passes (it is
   * checked again at each delivery, and the delivery fails with the resolver's answer).
   */
  public Future<Void> checkWebhook(URI url) {
    return egress.resolve(vertx, url).<Void>mapEmpty()
        .recover(failure -> WebhookEgress.unresolved(failure) ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  /**
   * Checks the URL's host and resolved addresses now (a name may have been re-pointed since the
   * channel was added), then posts to the address that was checked, the URL's host in the Host
   * header and TLS's server name. Redirects are not followed (the client's default).
   */
  private Future<Void> post(Channel channel, JsonObject payload) {
    URI url;
    try {
      url = URI.create(channel.target());
    } catch (RuntimeException e) {
      return Future.failedFuture(new DeliveryFailure("bad webhook URL: " + e.getMessage()));
    }
    int port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    return egress.resolve(vertx, url).recover(failure -> Future.failedFuture(new DeliveryFailure(
            failure instanceof WebhookEgress.Refused ? "refused: " + failure.getMessage() : describe(failure))))
        .compose(address -> post(channel, url, SocketAddress.inetSocketAddress(port, address.getHostAddress()),
            payload));
  }

  private Future<Void> post(Channel channel, URI url, SocketAddress server, JsonObject payload) {
    String body = payload.encode();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
        .setServer(server).setTimeout(TIMEOUT_MS).putHeader("content-type", "application/json")
        .putHeader("user-agent", "Tollgate-Alerts");
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
