package io.tollgate.frontdoor;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AttributeKey;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The front door's deadlines on one HTTP/2 connection, seen through Netty's stream events (no
 * decoder to sit behind: the frames are decoded inside the HTTP/2 handler):
 * <ul>
 *   <li>waiting for a stream: the first within the header timeout of the connection's SETTINGS,
 *       later ones within the idle timeout of the last stream's close; else GOAWAY and close;</li>
 *   <li>each stream's body: the whole request (END_STREAM) within the body timeout of its headers;
 *       else that stream alone is answered 408 in the service's shape (if its response has not
 *       started) and reset with NO_ERROR (RFC 9113 §8.1), the connection's other streams untouched;</li>
 *   <li>responding: no deadline here, as for HTTP/1.1.</li>
 * </ul>
 * Confined to the connection's event loop (Netty calls the listener there; the sweep runs there).
 */
final class Http2Deadlines implements Http2Connection.Listener, DeadlineSweep.Watched {

  static final AttributeKey<Http2Deadlines> KEY = AttributeKey.valueOf("tollgate.frontDoor.http2Deadlines");
  private static final long NONE = 0;
  /** How long a stream cut at its body deadline is remembered, for {@link FrontDoor#bodyTimedOut}. */
  private static final long REMEMBER_NANOS = 10_000_000_000L;

  private final FrontDoorSettings settings;
  private final DeadlineSweep sweep;
  private final FrontDoorMetrics metrics;
  private final ErrorBody errors;
  private final Http2ConnectionHandler handler;
  private final ChannelHandlerContext ctx;
  /** Vert.x's connection, told of a stream cut here as of a reset (null: not told). */
  private final Http2FrameListener service;
  /** Stream id → when its body must be complete. */
  private final Map<Integer, Long> bodyDeadlines = new HashMap<>();
  /** Stream id → when the front door cut it at its body deadline. */
  private final Map<Integer, Long> timedOut = new HashMap<>();
  private long deadline = NONE;
  private CloseReason onExpiry;

  Http2Deadlines(FrontDoorSettings settings, DeadlineSweep sweep, FrontDoorMetrics metrics, ErrorBody errors,
                 Http2ConnectionHandler handler, ChannelHandlerContext ctx, Http2FrameListener service) {
    this.service = service;
    this.settings = settings;
    this.sweep = sweep;
    this.metrics = metrics;
    this.errors = errors;
    this.handler = handler;
    this.ctx = ctx;
  }

  /** Starts watching (on the connection's event loop, once its SETTINGS arrived). */
  void start() {
    ctx.channel().attr(KEY).set(this);
    handler.connection().addListener(this);
    sweep.add(this);
    ctx.channel().closeFuture().addListener(closed -> sweep.remove(this));
    // An upgraded h2c connection starts with its first stream already open.
    try {
      handler.connection().forEachActiveStream(stream -> {
        onStreamActive(stream);
        return true;
      });
    } catch (Http2Exception e) {
      ctx.close(); // the visitor throws nothing; a connection Netty cannot list is not served
      return;
    }
    if (handler.connection().numActiveStreams() == 0) {
      arm(settings.headerTimeoutMs(), CloseReason.HEADER_TIMEOUT);
    }
  }

  boolean timedOut(int streamId) {
    return timedOut.containsKey(streamId);
  }

  @Override
  public void onStreamActive(Http2Stream stream) {
    if (!handler.connection().remote().isValidStreamId(stream.id())) {
      return; // a stream of ours (a push): nothing to wait for
    }
    deadline = NONE;
    if (stream.state() == Http2Stream.State.OPEN && settings.bodyTimeoutMs() > 0) {
      bodyDeadlines.put(stream.id(), sweep.now() + settings.bodyTimeoutMs() * 1_000_000);
    }
  }

  @Override
  public void onStreamHalfClosed(Http2Stream stream) {
    if (stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE) {
      bodyDeadlines.remove(stream.id());
    }
  }

  @Override
  public void onStreamClosed(Http2Stream stream) {
    bodyDeadlines.remove(stream.id());
    if (handler.connection().numActiveStreams() == 0) {
      arm(settings.idleTimeoutMs(), CloseReason.IDLE_TIMEOUT);
    }
  }

  @Override
  public void onStreamAdded(Http2Stream stream) {
  }

  @Override
  public void onStreamRemoved(Http2Stream stream) {
  }

  @Override
  public void onGoAwaySent(int lastStreamId, long errorCode, io.netty.buffer.ByteBuf debugData) {
  }

  @Override
  public void onGoAwayReceived(int lastStreamId, long errorCode, io.netty.buffer.ByteBuf debugData) {
  }

  private void arm(long timeoutMs, CloseReason reason) {
    deadline = timeoutMs == 0 ? NONE : sweep.now() + timeoutMs * 1_000_000;
    onExpiry = reason;
  }

  @Override
  public boolean expired(long now) {
    if (deadline != NONE && now - deadline >= 0) {
      return true;
    }
    for (long due : bodyDeadlines.values()) {
      if (now - due >= 0) {
        return true;
      }
    }
    return !timedOut.isEmpty();
  }

  @Override
  public void expire() {
    long now = sweep.now();
    timedOut.values().removeIf(when -> now - when > REMEMBER_NANOS);
    for (Iterator<Map.Entry<Integer, Long>> due = bodyDeadlines.entrySet().iterator(); due.hasNext(); ) {
      Map.Entry<Integer, Long> entry = due.next();
      if (now - entry.getValue() >= 0) {
        due.remove();
        timedOut.put(entry.getKey(), now);
        metrics.closed(CloseReason.BODY_TIMEOUT);
        cutStream(entry.getKey());
      }
    }
    if (deadline != NONE && now - deadline >= 0) {
      deadline = NONE;
      metrics.closed(onExpiry);
      ctx.close(); // the HTTP/2 handler says GOAWAY first
    }
  }

  /** A body past its deadline: 408 in the service's shape if nothing was answered yet, then RST_STREAM. */
  private void cutStream(int id) {
    Http2Stream stream = handler.connection().stream(id);
    if (stream == null) {
      return;
    }
    if (!stream.isHeadersSent()) {
      Buffer body = errors.render(408, "request_timeout", "The request body was not received within "
          + settings.bodyTimeoutMs() + " ms.");
      Http2Headers headers = new DefaultHttp2Headers().status("408")
          .set("content-type", "application/json")
          .setInt("content-length", body.length());
      handler.encoder().writeHeaders(ctx, id, headers, 0, false, ctx.newPromise());
      handler.encoder().writeData(ctx, id, Unpooled.wrappedBuffer(body.getBytes()), 0, true, ctx.newPromise());
      // Out before the reset, which would drop what flow control still holds.
      handler.flush(ctx);
    }
    if (service != null) {
      // A stream reset here closes quietly on Vert.x's side (only a reset received fails the
      // request), and a service still reading the body would wait forever: tell it as if the client
      // had reset the stream, while Vert.x still knows the stream. Its own answer, if it tries one,
      // is refused by Netty (the stream is over).
      try {
        service.onRstStreamRead(ctx, id, Http2Error.NO_ERROR.code());
      } catch (Http2Exception e) {
        // Vert.x's listener throws nothing here; the stream is reset below all the same
      }
    }
    handler.resetStream(ctx, id, Http2Error.NO_ERROR.code(), ctx.newPromise());
    handler.flush(ctx);
  }
}
