package io.tollgate.e2e;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.util.concurrent.TimeUnit;

/**
 * The platform's SMTP server (GreenMail) and a small HTTP view of what it received, for the portal's
 * browser suite, which reads invitation emails through it: {@code GET /messages?to=EMAIL} answers
 * [{subject, body}], oldest first.
 */
final class Mailbox implements AutoCloseable {

  private final GreenMail smtp;
  private final HttpServer http;

  private Mailbox(GreenMail smtp, HttpServer http) {
    this.smtp = smtp;
    this.http = http;
  }

  static Mailbox start(Vertx vertx) throws Exception {
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    smtp.start();
    HttpServer http = vertx.createHttpServer().requestHandler(request -> {
      String to = request.getParam("to");
      JsonArray messages = new JsonArray();
      try {
        for (MimeMessage message : smtp.getReceivedMessages()) {
          if (to == null || message.getAllRecipients()[0].toString().equals(to)) {
            // Quoted-printable soft line breaks would cut the link in two.
            messages.add(new JsonObject().put("subject", message.getSubject())
                .put("body", GreenMailUtil.getBody(message).replace("=\r\n", "").replace("=3D", "=")));
          }
        }
        request.response().putHeader("content-type", "application/json").end(messages.encode());
      } catch (MessagingException e) {
        request.response().setStatusCode(500).end(e.toString());
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Mailbox(smtp, http);
  }

  int smtpPort() {
    return smtp.getSmtp().getPort();
  }

  String url() {
    return "http://127.0.0.1:" + http.actualPort();
  }

  @Override
  public void close() throws Exception {
    http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    smtp.stop();
  }
}
