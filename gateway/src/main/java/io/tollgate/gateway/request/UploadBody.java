package io.tollgate.gateway.request;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * A speech-to-text upload, read only as far as the gateway needs: the form fields before the file
 * (the model to route by, stream), then paused, the rest (the audio) left in the socket to be
 * streamed to the backend with back-pressure, counted against the size limit as it passes. A form
 * whose file comes before its model field is read whole, within the same limit.
 */
public final class UploadBody {

  /** What was read: {@code head} (the whole body when {@code rest} is null) and the stream of the rest. */
  public record Read(Buffer head, ReadStream<Buffer> rest) {
  }

  private UploadBody() {
  }

  public static Future<Read> read(HttpServerRequest request, long maxBytes) {
    String boundary = MultipartForm.boundary(request.getHeader(HttpHeaders.CONTENT_TYPE));
    if (boundary == null) {
      return BoundedBody.read(request, maxBytes).map(body -> new Read(body, null));
    }
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      if (declared != null && Long.parseLong(declared.trim()) > maxBytes) {
        return Future.failedFuture(new BoundedBody.TooLarge(maxBytes));
      }
    } catch (NumberFormatException e) {
      return Future.failedFuture(new IllegalArgumentException("invalid Content-Length"));
    }
    Promise<Read> promise = Promise.promise();
    Buffer head = Buffer.buffer(4096);
    boolean[] scanning = {true};
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (head.length() + chunk.length() > maxBytes) {
        request.handler(null);
        promise.tryFail(new BoundedBody.TooLarge(maxBytes));
        return;
      }
      head.appendBuffer(chunk);
      if (!scanning[0]) {
        return; // the file came before the model: read whole
      }
      MultipartForm.Head found = MultipartForm.head(head.getBytes(), head.length(), boundary);
      if (found.atFile() && found.fields().containsKey("model")) {
        request.pause();
        request.handler(null);
        request.endHandler(null);
        promise.tryComplete(new Read(head, new Rest(request, maxBytes - head.length(), maxBytes)));
      } else if (found.atFile() || found.atEnd()) {
        scanning[0] = false;
      }
    });
    request.endHandler(v -> promise.tryComplete(new Read(head, null)));
    request.exceptionHandler(promise::tryFail);
    request.resume();
    return promise.future();
  }

  /** The rest of an upload as a stream, failing with {@link BoundedBody.TooLarge} past what the limit leaves. */
  private static final class Rest implements ReadStream<Buffer> {
    private final HttpServerRequest request;
    private final long allowed;
    private final long limit;
    private long passed;
    private Handler<Throwable> exceptionHandler;
    private boolean failed;

    Rest(HttpServerRequest request, long allowed, long limit) {
      this.request = request;
      this.allowed = allowed;
      this.limit = limit;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      this.exceptionHandler = handler;
      request.exceptionHandler(handler);
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      if (handler == null) {
        request.handler(null);
        return this;
      }
      request.handler(chunk -> {
        if (failed) {
          return;
        }
        passed += chunk.length();
        if (passed > allowed) {
          failed = true;
          request.pause();
          if (exceptionHandler != null) {
            exceptionHandler.handle(new BoundedBody.TooLarge(limit));
          }
          return;
        }
        handler.handle(chunk);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      request.pause();
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      request.resume();
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      request.fetch(amount);
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
      request.endHandler(endHandler);
      return this;
    }
  }
}
