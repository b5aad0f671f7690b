package io.tollgate.gateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.ArrayDeque;

/**
 * A call on a pooled Netty connection of the request's own event loop: the request written as one
 * message, the response's pieces copied out of Netty's pooled buffers as they are decoded (a piece
 * held while paused, or before anyone listens, is delivered later), the connection handed back
 * to the pool the moment the response's last byte was read.
 *
 * <p>Confined to the event loop of its pool.
 */
final class NettyCall implements UpstreamCall {

  private final UpstreamRequest request;
  private final Promise<UpstreamCall> head = Promise.promise();
  /** Pieces not yet delivered: paused, no handler yet, or read whole. */
  private final ArrayDeque<Buffer> held = new ArrayDeque<>(2);

  private UpstreamConnection connection;
  private HttpResponse response;
  private boolean skippingInformational;
  /** The response's last byte was read (the connection went back to the pool). */
  private boolean lastRead;
  /** Reset, failed, or its end delivered: no further events. */
  private boolean over;
  private boolean paused;
  private boolean delivering;
  private Throwable failure;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private Promise<Buffer> body;

  NettyCall(UpstreamRequest request) {
    this.request = request;
  }

  // ---- what the pool and the connection call -------------------------------------------------

  /** The pool found or opened a connection: the request goes out on it. Returns false when nobody wants it any more. */
  boolean attach(UpstreamConnection to) {
    if (over) {
      return false; // reset (or failed) while the pool was finding it a connection
    }
    connection = to;
    to.call(this);
    ByteBuf content = request.body() == null ? Unpooled.EMPTY_BUFFER : ((BufferInternal) request.body()).getByteBuf();
    FullHttpRequest message = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
        request.uri(), content, request.headers(), EmptyHttpHeaders.INSTANCE);
    // The sending client's to set, as Vert.x's does for VertxCall (UpstreamRequest's headers hold neither).
    message.headers()
        .set(HttpHeaderNames.HOST, to.hostHeader())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    // A write that fails closes the connection, which reaches this call as the connection's failure.
    to.channel().writeAndFlush(message, to.channel().voidPromise());
    return true;
  }

  /** A decoded piece of the response. Takes ownership of it. */
  void received(HttpObject message) {
    try {
      if (message.decoderResult().isFailure()) {
        UpstreamConnection broken = connection;
        failed(message.decoderResult().cause());
        broken.close(); // what follows an unreadable response cannot be trusted either
        return;
      }
      if (message instanceof HttpResponse head) {
        if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
          skippingInformational = true; // a 100 Continue nobody asked for: its end is not the response's
        } else {
          response = head;
        }
      }
      if (message instanceof HttpContent piece) {
        if (!skippingInformational && !over && piece.content().isReadable()) {
          held.add(copy(piece.content()));
        }
        if (message instanceof LastHttpContent) {
          if (skippingInformational) {
            skippingInformational = false;
          } else {
            responseRead();
          }
        }
      }
      if (message instanceof HttpResponse && response == message) {
        head.tryComplete(this); // may reset this call, or set the handlers: it runs now, on this loop
      }
      deliver();
    } finally {
      ReferenceCountUtil.release(message);
    }
  }

  /** The connection closed or failed while this call had it. */
  void failed(Throwable cause) {
    if (lastRead || over) {
      return;
    }
    detach();
    failure = cause;
    if (head.tryFail(cause)) {
      over = true; // nobody listens past a head that never came
    } else {
      deliver();
    }
  }

  // ---- UpstreamCall ----------------------------------------------------------------------------

  @Override
  public Future<UpstreamCall> head() {
    return head.future();
  }

  @Override
  public int status() {
    return response.status().code();
  }

  @Override
  public String header(CharSequence name) {
    return response.headers().get(name);
  }

  @Override
  public Future<Buffer> body() {
    body = Promise.promise();
    deliver();
    return body.future();
  }

  @Override
  public UpstreamCall handler(Handler<Buffer> handler) {
    this.handler = handler;
    deliver();
    return this;
  }

  @Override
  public UpstreamCall endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    deliver();
    return this;
  }

  @Override
  public UpstreamCall exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    deliver();
    return this;
  }

  @Override
  public void pause() {
    paused = true;
    if (connection != null) {
      connection.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void resume() {
    paused = false;
    if (connection != null) {
      connection.channel().config().setAutoRead(true);
    }
    deliver();
  }

  @Override
  public void reset() {
    if (over) {
      return;
    }
    over = true;
    held.clear();
    if (connection != null) {
      // Mid-response: closing is HTTP/1.1's only way to stop the backend (and vLLM's generation).
      UpstreamConnection closing = connection;
      detach();
      closing.close();
    }
    head.tryFail("the call to the backend was reset");
  }

  // ---- inside ------------------------------------------------------------------------------------

  /** The response was read to its end: the connection is free for the next call, or closed if it said so. */
  private void responseRead() {
    lastRead = true;
    UpstreamConnection done = connection;
    detach();
    done.released(HttpUtil.isKeepAlive(response));
  }

  private void detach() {
    if (connection != null) {
      connection.call(null);
      if (paused) {
        connection.channel().config().setAutoRead(true);
      }
      connection = null;
    }
  }

  /** Hands what was read to whoever listens, as far as pausing allows; then the end, or the failure. */
  private void deliver() {
    if (delivering || over || response == null && failure == null) {
      return;
    }
    delivering = true;
    try {
      if (body != null) {
        deliverWhole();
        return;
      }
      while (!paused && handler != null && !held.isEmpty() && !over) {
        handler.handle(held.poll());
      }
      if (over || paused || !held.isEmpty()) {
        return;
      }
      if (failure != null && exceptionHandler != null) {
        over = true;
        exceptionHandler.handle(failure);
      } else if (lastRead && handler != null && endHandler != null) {
        over = true; // told once both listen: a response read whole before its listeners came still ends
        endHandler.handle(null);
      }
    } finally {
      delivering = false;
    }
  }

  private void deliverWhole() {
    if (failure != null) {
      over = true;
      body.tryFail(failure);
    } else if (lastRead) {
      over = true;
      Buffer whole = held.size() == 1 ? held.poll() : Buffer.buffer();
      while (!held.isEmpty()) {
        whole.appendBuffer(held.poll());
      }
      body.tryComplete(whole);
    }
  }

  /**
   * A heap copy of a piece: Netty's pooled buffer goes back to its pool at once. Not Vert.x's
   * {@code BufferInternal.safeBuffer}, which copies only from the allocators it knows and would hand
   * io_uring's buffer-ring memory on uncopied and unreleased.
   */
  private static Buffer copy(ByteBuf content) {
    int length = content.readableBytes();
    ByteBuf heap = VertxByteBufAllocator.DEFAULT.heapBuffer(length, length);
    heap.writeBytes(content, content.readerIndex(), length);
    return BufferInternal.buffer(heap);
  }
}
