package io.tollgate.frontdoor;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * The deadlines of one HTTP/1.1 connection, seen between the decoder and Vert.x: decoded requests
 * in, responses out. At any moment the connection is in one of three states, and only two have a
 * deadline:
 * <ul>
 *   <li>waiting for a request (new, or kept alive after a response): its headers must be complete
 *       within the header timeout on a new connection, the idle timeout afterwards; else closed;</li>
 *   <li>reading a body: the whole body must arrive within the body timeout of its headers; else 408
 *       in the service's error shape (if no response has started) and closed;</li>
 *   <li>responding: no deadline here (the service's own timeouts apply, e.g. to a stream).</li>
 * </ul>
 */
final class ConnectionDeadlines extends ChannelDuplexHandler implements DeadlineSweep.Watched {

  /** Where a channel keeps its instance, for {@link FrontDoor#closeAfterResponse}. */
  static final AttributeKey<ConnectionDeadlines> KEY = AttributeKey.valueOf("tollgate.frontDoor.deadlines");
  private static final long NONE = 0;
  /**
   * How long a connection closed after its response keeps reading (and dropping) what the client
   * still sends. Closing a socket with unread bytes makes the kernel answer with a reset, and a
   * client still uploading a body we refused (413, 401) then fails on its write and never reads the
   * refusal: nginx's lingering close, for the same reason.
   */
  static final long LINGER_MS = 2_000;

  private final FrontDoorSettings settings;
  private final DeadlineSweep sweep;
  private final FrontDoorMetrics metrics;
  private final ErrorBody errors;
  private ChannelHandlerContext ctx;

  /** Requests whose response has not ended (more than one only when a client pipelines). */
  private int inFlight;
  /** The newest request's body is still arriving. */
  private boolean bodyPending;
  /** The response to the oldest request in flight has begun. */
  private boolean responseStarted;
  /** A response has completed: the next wait for a request is an idle wait. */
  private boolean served;
  private long deadline = NONE;
  private CloseReason onExpiry;
  /** Why this handler closed the connection, or null. */
  private CloseReason closedFor;
  /** The service answers without reading the rest: nothing more is passed on, and the answer closes. */
  private boolean closing;
  /** The last response is out and the output shut: reading and dropping until the client goes. */
  private boolean lingering;
  /**
   * The first request was decoded before this handler and the strict decoder were installed (a
   * plain port with h2c on: Vert.x installs its own decoder and calls the service's connection
   * handler only at the first request). Its framing cannot be told from a smuggling attempt if
   * chunked, so a chunked first request is the connection's last (RFC 9112 §6.3).
   */
  private boolean firstRequestUnscreened;
  /** This request's body is the last thing read from the connection. */
  private boolean lastRequest;
  /**
   * What to do once the first request has been read whole (install the strict decoder), or null.
   * Not before: the decoder that read its head holds the state of its body.
   */
  private Runnable afterFirstRequest;

  /**
   * @param afterFirstRequest null when this handler is installed before any byte is read; else the
   *                          first request was decoded already (see {@link #firstRequestUnscreened})
   *                          and this runs once it has been read whole
   */
  ConnectionDeadlines(FrontDoorSettings settings, DeadlineSweep sweep, FrontDoorMetrics metrics, ErrorBody errors,
                      Runnable afterFirstRequest) {
    this.firstRequestUnscreened = afterFirstRequest != null;
    this.afterFirstRequest = afterFirstRequest;
    this.settings = settings;
    this.sweep = sweep;
    this.metrics = metrics;
    this.errors = errors;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    ctx = context;
    context.channel().attr(KEY).set(this);
    sweep.add(this);
    awaitRequest();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext context) {
    sweep.remove(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) throws Exception {
    sweep.remove(this);
    super.channelInactive(context);
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) throws Exception {
    if (closing) {
      ReferenceCountUtil.release(msg);
      if (lingering) {
        context.read(); // keep draining, whatever Vert.x asked of the channel before
      }
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (firstRequestUnscreened) {
        firstRequestUnscreened = false;
        // (a chunked request is always followed by its body's parts: the close is decided at its end)
        lastRequest = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
      }
      inFlight++;
      bodyPending = !(msg instanceof LastHttpContent);
      if (inFlight == 1) {
        responseStarted = false;
      }
      if (bodyPending && inFlight == 1) {
        arm(settings.bodyTimeoutMs(), CloseReason.BODY_TIMEOUT);
      } else {
        // Responding, or a pipelined body waiting behind another response: its clock starts then.
        deadline = NONE;
      }
    } else if (msg instanceof LastHttpContent && bodyPending) {
      bodyPending = false;
      if (lastRequest) {
        closeAfterResponse(); // before the service sees the end, as its answer may be written at once
        super.channelRead(context, msg);
        return;
      }
      if (inFlight == 0) {
        awaitRequest();
      } else {
        deadline = NONE;
      }
    }
    super.channelRead(context, msg);
    if (afterFirstRequest != null && msg instanceof LastHttpContent && !closing) {
      Runnable then = afterFirstRequest;
      afterFirstRequest = null;
      then.run();
    }
  }

  @Override
  public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) throws Exception {
    boolean informational = msg instanceof HttpResponse response
        && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (!informational) {
      if (msg instanceof HttpResponse response) {
        responseStarted = true;
        if (closing) {
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
      }
      if (msg instanceof LastHttpContent && inFlight > 0) {
        responseEnded();
        if (closing) {
          super.write(context, msg, promise.unvoid().addListener(written -> linger(written.isSuccess())));
          return;
        }
      }
    }
    super.write(context, msg, promise);
  }

  /**
   * The response being written is the connection's last: the body behind it, and anything
   * pipelined, is dropped unread, and the connection closes once the response is out.
   */
  void closeAfterResponse() {
    closing = true;
    deadline = NONE;
    if (inFlight == 0) {
      ctx.close();
    }
  }

  boolean closing() {
    return closing;
  }

  /** After the last response: FIN to the client, then drop its bytes until it closes or the linger ends. */
  private void linger(boolean written) {
    Channel channel = ctx.channel();
    if (!written || !channel.isActive() || !(channel instanceof DuplexChannel duplex)) {
      ctx.close();
      return;
    }
    lingering = true;
    deadline = sweep.now() + LINGER_MS * 1_000_000;
    channel.config().setAutoRead(true);
    duplex.shutdownOutput().addListener(shut -> {
      if (!shut.isSuccess()) {
        ctx.close();
      }
    });
  }

  CloseReason closedFor() {
    return closedFor;
  }

  private void responseEnded() {
    inFlight--;
    responseStarted = false;
    served = true;
    if (bodyPending) {
      // An early answer (the body is still coming) or a pipelined request's body now due.
      if (deadline == NONE || onExpiry != CloseReason.BODY_TIMEOUT) {
        arm(settings.bodyTimeoutMs(), CloseReason.BODY_TIMEOUT);
      }
    } else if (inFlight == 0) {
      awaitRequest();
    }
  }

  private void awaitRequest() {
    if (served) {
      arm(settings.idleTimeoutMs(), CloseReason.IDLE_TIMEOUT);
    } else {
      arm(settings.headerTimeoutMs(), CloseReason.HEADER_TIMEOUT);
    }
  }

  private void arm(long timeoutMs, CloseReason reason) {
    deadline = timeoutMs == 0 ? NONE : sweep.now() + timeoutMs * 1_000_000;
    onExpiry = reason;
  }

  @Override
  public boolean expired(long now) {
    return deadline != NONE && now - deadline >= 0;
  }

  /** Closes the connection; a body that timed out first gets a 408 if nothing was answered yet. */
  @Override
  public void expire() {
    deadline = NONE;
    if (lingering) {
      ctx.close(); // the linger is over: not a refusal of the front door's, so not counted
      return;
    }
    closedFor = onExpiry;
    metrics.closed(onExpiry);
    if (onExpiry == CloseReason.BODY_TIMEOUT && !responseStarted && inFlight > 0) {
      Refusal.send(ctx, 408, errors.render(408, "request_timeout", "The request body was not received within "
          + settings.bodyTimeoutMs() + " ms."));
    } else {
      ctx.close();
    }
  }
}
