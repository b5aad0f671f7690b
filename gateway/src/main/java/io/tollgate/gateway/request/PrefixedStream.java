package io.tollgate.gateway.request;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Bytes already read (an upload's head, perhaps rewritten) followed by the rest of a stream: what
 * is sent to a backend when the gateway had to look at the start of a body before routing it.
 * Back-pressure passes to the rest; the prefix goes first, once.
 */
public final class PrefixedStream implements ReadStream<Buffer> {

  private final Buffer prefix;
  private final ReadStream<Buffer> rest;
  private Handler<Buffer> handler;
  private boolean prefixSent;
  private boolean paused;

  public PrefixedStream(Buffer prefix, ReadStream<Buffer> rest) {
    this.prefix = prefix;
    this.rest = rest;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> exceptionHandler) {
    rest.exceptionHandler(exceptionHandler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> dataHandler) {
    this.handler = dataHandler;
    rest.handler(dataHandler);
    if (dataHandler != null && !paused) {
      sendPrefix();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    rest.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    paused = false;
    sendPrefix();
    rest.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    sendPrefix();
    rest.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    rest.endHandler(endHandler);
    return this;
  }

  private void sendPrefix() {
    if (!prefixSent && handler != null) {
      prefixSent = true;
      if (prefix.length() > 0) {
        handler.handle(prefix);
      }
    }
  }
}
