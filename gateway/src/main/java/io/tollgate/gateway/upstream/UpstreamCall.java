package io.tollgate.gateway.upstream;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * One request sent to a backend and its response: the head first ({@link #head}), then the body,
 * either streamed to a handler with back-pressure ({@link #pause}, {@link #resume}) or read whole
 * ({@link #body}). {@link #reset} gives the call up at any point; on HTTP/1.1 that closes the
 * connection, the only signal vLLM takes to abort a generation and free its KV cache.
 *
 * <p>Confined to the event loop that sent it.
 */
public interface UpstreamCall {

  /** Completes with this call once the backend's status and headers came; fails when none will. */
  Future<UpstreamCall> head();

  int status();

  /** A response header, or null. */
  String header(CharSequence name);

  /** The whole body (for answers read at once, and error bodies). Call it instead of {@link #handler}. */
  Future<Buffer> body();

  /** Receives the body's pieces as they come (data held while paused is delivered on resume). */
  UpstreamCall handler(Handler<Buffer> handler);

  /** Told once the whole body was handed over. */
  UpstreamCall endHandler(Handler<Void> handler);

  /** Told when the response breaks off (the connection closed or failed) after its head. */
  UpstreamCall exceptionHandler(Handler<Throwable> handler);

  /** Stops reading the backend: TCP flow control then slows it instead of our heap filling up. */
  void pause();

  void resume();

  /** Gives the call up: no further events; the connection is closed unless the response was already read. */
  void reset();

  /**
   * Whether the client's upload began to stream to the backend: it comes from the client's socket and
   * cannot be sent again, so no other backend may be tried after this (a refused connection still may).
   */
  default boolean uploadStarted() {
    return false;
  }

  /** Why streaming the client's upload to the backend failed (past the limit, client gone), or null. */
  default Throwable uploadFailure() {
    return null;
  }
}
