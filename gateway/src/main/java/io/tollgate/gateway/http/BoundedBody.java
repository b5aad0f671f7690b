package io.tollgate.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a limit. A declared Content-Length over the limit is refused before
 * a byte is read; a chunked body is refused as soon as it passes the limit, so an oversized body
 * never sits in memory.
 */
public final class BoundedBody {

  private BoundedBody() {
  }

  /** Fails with {@link TooLarge} past the limit. */
  public static Future<Buffer> read(HttpServerRequest request, long maxBytes) {
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > maxBytes) {
          return Future.failedFuture(new TooLarge(maxBytes));
        }
      } catch (NumberFormatException e) {
        return Future.failedFuture(new IllegalArgumentException("invalid Content-Length"));
      }
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer(declared == null ? 1024 : (int) Math.min(maxBytes, Long.parseLong(declared.trim())));
    request.handler(chunk -> {
      if (body.length() + chunk.length() > maxBytes) {
        request.handler(null);
        promise.tryFail(new TooLarge(maxBytes));
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> promise.tryComplete(body));
    request.exceptionHandler(promise::tryFail);
    return promise.future();
  }

  /** The body passed the limit. */
  public static final class TooLarge extends RuntimeException {
    private final long limit;

    public TooLarge(long limit) {
      super("request body over " + limit + " bytes", null, false, false);
      this.limit = limit;
    }

    public long limit() {
      return limit;
    }
  }
}
