package io.tollgate.gateway.stream;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.function.Consumer;

/**
 * The client's side of an answer: its headers once, then bytes written in batches, one per
 * event-loop turn, with the client's back-pressure reported to whoever reads the backend.
 *
 * <p>Confined to the request's event loop.
 */
public final class ClientWriter {

  private static final CharSequence BACKEND = HttpHeaders.createOptimized("x-tollgate-backend");
  private static final CharSequence MODEL = HttpHeaders.createOptimized("x-tollgate-model");
  private static final CharSequence ACCEL_BUFFERING = HttpHeaders.createOptimized("x-accel-buffering");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final CharSequence NO = HttpHeaders.createOptimized("no");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  /** Pieces a batch gathers before Netty folds them into one (a turn's read of 64 KiB is ~200 tokens' events). */
  private static final int MAX_PIECES = 256;

  private final HttpServerResponse response;
  /** Headers every answer carries (the rate-limit figures), known only once the request is admitted. */
  private final Consumer<MultiMap> rateLimits;
  private final Context context;
  private final Thread loop;
  /** Client bytes of the current event-loop batch, not yet written (see write). */
  private Buffer batch;
  /** The batch's pieces when it holds more than one: gathered, not copied (see write). */
  private CompositeByteBuf pieces;
  private boolean flushScheduled;
  private boolean started;
  private Runnable whenFull = () -> { };

  public ClientWriter(HttpServerResponse response, Consumer<MultiMap> rateLimits) {
    this.response = response;
    this.rateLimits = rateLimits;
    this.context = Vertx.currentContext();
    this.loop = Thread.currentThread();
  }

  /**
   * Hands the future's result to {@code then} on this client's event loop. A future a Redis call
   * completes (a key lookup, an admission, a lease top-up another request started, a stored
   * response's id) may complete on another loop; the server runs in Vert.x's strict thread mode,
   * where a write from a thread other than the connection's throws, and the exchange is confined to
   * its loop. On the loop already, {@code then} runs at once.
   */
  public <T> void onItsLoop(Future<T> future, Handler<AsyncResult<T>> then) {
    future.onComplete(result -> {
      if (Thread.currentThread() == loop) {
        then.handle(result);
      } else {
        context.runOnContext(v -> then.handle(result));
      }
    });
  }

  public HttpServerResponse response() {
    return response;
  }

  /** Whether the answer's head is decided: after this, an error can only be told inside the body. */
  public boolean started() {
    return started;
  }

  /** What to do when the client reads slower than we write (pause the backend). */
  public void whenFull(Runnable action) {
    this.whenFull = action;
  }

  /** The head of an SSE answer (sent with its first bytes). */
  public void startStream(String backendId, String model) {
    if (started) {
      return;
    }
    started = true;
    response.setChunked(true);
    response.putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM);
    response.putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
    response.putHeader(ACCEL_BUFFERING, NO);
    commonHeaders(backendId, model);
  }

  /** A whole (non-streamed) answer, written at once. */
  public void sendWhole(String contentType, Buffer body, String backendId, String model) {
    started = true;
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType != null ? contentType : JSON);
    commonHeaders(backendId, model);
    response.end(body);
  }

  /** The request id is already set (every answer carries it, refusals too). */
  private void commonHeaders(String backendId, String model) {
    if (backendId != null) {
      response.putHeader(BACKEND, backendId);
    }
    response.putHeader(MODEL, model);
    rateLimits.accept(response.headers());
  }

  /**
   * Queues bytes for the client. They are written once the event loop has handled every socket
   * that was ready (one task per batch): a backend read that delivered many events costs the
   * client one write and one flush (a writev) instead of one per event, the largest cost of a
   * stream in the profile. The batch is bounded by one upstream read.
   *
   * <p>The pieces are gathered in a composite buffer, not copied into one: Netty copies the batch
   * into a direct buffer for the socket anyway, and each piece was copied into the batch first (a
   * backend's read decodes into one piece per SSE chunk; the copies and the batch's growth were 6 %
   * of a stream's CPU in the profile, though much of that time stayed here without them: the first
   * touch of each piece). The pieces are heap buffers nobody writes to after handing them here (the
   * upstream's copies and the SSE forwarder's slices of them).
   */
  public void write(Buffer out) {
    if (batch == null) {
      batch = out;
    } else {
      if (pieces == null) {
        pieces = Unpooled.compositeBuffer(MAX_PIECES);
        pieces.addComponent(true, ((BufferInternal) batch).getByteBuf());
        batch = BufferInternal.buffer(pieces);
      }
      pieces.addComponent(true, ((BufferInternal) out).getByteBuf());
    }
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  /** Writes what the batch holds now (before an end, so that the end follows it). */
  public void flush() {
    flushScheduled = false;
    Buffer out = batch;
    batch = null;
    pieces = null;
    if (out == null || gone()) {
      return;
    }
    response.write(out);
    if (response.writeQueueFull()) {
      whenFull.run();
    }
  }

  /** Ends the answer: the batch, then these last bytes. */
  public void end(Buffer tail) {
    if (gone()) {
      return;
    }
    flush();
    if (tail != null && tail.length() > 0) {
      response.end(tail);
    } else {
      response.end();
    }
  }

  /** The response is over or its connection closed: nothing more can be written. */
  public boolean gone() {
    return response.ended() || response.closed();
  }
}
