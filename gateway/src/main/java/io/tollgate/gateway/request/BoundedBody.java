package io.tollgate.gateway.request;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a limit. A declared Content-Length over the limit is refused before
 * a byte is read; a chunked body is refused as soon as it passes the limit, so an oversized body
 * never sits in memory. The buffer grows with the bytes that actually arrive: a declared length is
 * a claim, and sizing memory from a claim lets a client that sends nothing reserve it.
 */
public final class BoundedBody {

  /** Most chat requests fit; a larger body grows the buffer as its bytes arrive. */
  private static final int INITIAL_CAPACITY = 16 * 1024;

  private BoundedBody() {
  }

  /**
   * Fails with {@link TooLarge} past the limit. The request may be paused (the pipeline pauses it
   * until the key is checked): reading resumes it.
   */
  public static Future<Buffer> read(HttpServerRequest request, long maxBytes) {
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    long declaredLength = -1;
    if (declared != null) {
      try {
        declaredLength = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        return Future.failedFuture(new IllegalArgumentException("invalid Content-Length"));
      }
      if (declaredLength > maxBytes) {
        return Future.failedFuture(new TooLarge(maxBytes));
      }
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer(declaredLength < 0 ? 1024 : (int) Math.min(declaredLength, INITIAL_CAPACITY));
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
    request.resume();
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
