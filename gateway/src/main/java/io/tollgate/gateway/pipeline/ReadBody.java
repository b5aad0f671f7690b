package io.tollgate.gateway.pipeline;

import io.tollgate.frontdoor.FrontDoor;
import io.tollgate.gateway.config.GatewaySettings;
import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.request.BoundedBody;
import io.tollgate.gateway.request.UploadBody;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The body, up to the size limit and within the front door's body deadline; a gzip or deflate body
 * inflated as it arrives, the limit counting inflated bytes (so a small bomb is refused with 413),
 * or refused with 415 when decompression is turned off or the coding is another.
 */
final class ReadBody implements Stage {

  static final long MAX_UPLOAD_BYTES = 25L * 1024 * 1024;

  private final GatewaySettings settings;

  ReadBody(GatewaySettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<Outcome> run(Exchange exchange) {
    HttpServerRequest request = exchange.request;
    String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
    BoundedBody.Coding coding = BoundedBody.Coding.of(encoding);
    if (coding == null || (coding != BoundedBody.Coding.IDENTITY && !settings.decompressRequests())) {
      exchange.closeAfterReply = true;
      return Outcome.refuse(Refusal.unsupportedEncoding(encoding));
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      request.response().writeContinue();
    }
    if (exchange.endpoint.multipart()) {
      if (coding != BoundedBody.Coding.IDENTITY) {
        exchange.closeAfterReply = true;
        return Outcome.refuse(Refusal.unsupportedEncoding(encoding));
      }
      return UploadBody.read(request, limit(exchange))
          .map(upload -> {
            exchange.body = upload.head();
            exchange.uploadRest = upload.rest();
            // The rest may never be read (a refusal before forwarding): such a connection ends with its answer.
            exchange.closeAfterReply = upload.rest() != null;
            return Outcome.CONTINUE;
          })
          .otherwise(cause -> Outcome.refused(refusal(exchange, cause)));
    }
    return BoundedBody.read(request, limit(exchange), coding)
        .map(body -> {
          exchange.body = body;
          return Outcome.CONTINUE;
        })
        .otherwise(cause -> Outcome.refused(refusal(exchange, cause)));
  }

  /**
   * Uploads (audio) may be larger than any JSON request: up to OpenAI's documented 25 MB for
   * speech to text, or the configured limit if that is larger.
   */
  private long limit(Exchange exchange) {
    return exchange.endpoint.multipart() ? Math.max(settings.maxBodyBytes(), MAX_UPLOAD_BYTES) : settings.maxBodyBytes();
  }

  private Refusal refusal(Exchange exchange, Throwable cause) {
    if (cause instanceof BoundedBody.TooLarge tooLarge) {
      // The rest of an oversized body is not read: answer and close the connection.
      exchange.closeAfterReply = true;
      return Refusal.bodyTooLarge(tooLarge.limit());
    }
    if (cause instanceof HttpClosedException || cause instanceof StreamResetException) {
      // The front door cut it at the body deadline (and answered 408), or the client left (HTTP/2:
      // reset its stream).
      return FrontDoor.bodyTimedOut(exchange.request)
          ? Refusal.bodyTimeout(settings.frontDoor().bodyTimeoutMs()) : Refusal.clientClosed();
    }
    return Refusal.invalidBody(cause.getMessage());
  }
}
