package io.tollgate.loadtest.peers;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * A client connection of the Netty floor: one request at a time (reading pauses until its answer has been
 * relayed), forwarded whole on a keep-alive upstream connection of the same event loop, the answer's pieces
 * written as Netty decoded them. A client that goes away mid-answer closes the upstream connection, as a proxy
 * must to stop the backend's work.
 */
final class FloorClientSide extends ChannelInboundHandlerAdapter {

  private final FloorUpstreams upstreams;
  /** The upstream connection of the request in flight, null between requests. */
  private Channel upstream;
  private Runnable resumeUpstream;

  FloorClientSide(FloorUpstreams upstreams) {
    this.upstreams = upstreams;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (request.decoderResult().isFailure()) {
      request.release();
      refuse(ctx, HttpResponseStatus.BAD_REQUEST);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    ctx.channel().config().setAutoRead(false);
    upstreams.forward(ctx.channel().eventLoop(), request, connection -> {
      if (connection == null || !ctx.channel().isActive()) {
        if (connection == null) {
          refuse(ctx, HttpResponseStatus.BAD_GATEWAY);
        }
        return null;
      }
      upstream = connection;
      return new ToClient(ctx, connection, keepAlive);
    });
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (resumeUpstream != null && ctx.channel().isWritable()) {
      Runnable resume = resumeUpstream;
      resumeUpstream = null;
      resume.run();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.close();
      upstream = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
    DefaultFullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    HttpUtil.setContentLength(answer, 0);
    HttpUtil.setKeepAlive(answer, false);
    ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
  }

  /** The answer written to this client connection as Netty objects, through the server's encoder. */
  private final class ToClient implements FloorSink {
    private final ChannelHandlerContext ctx;
    private final Channel connection;
    private final boolean keepAlive;

    ToClient(ChannelHandlerContext ctx, Channel connection, boolean keepAlive) {
      this.ctx = ctx;
      this.connection = connection;
      this.keepAlive = keepAlive;
    }

    @Override
    public void head(HttpResponse head) {
      if (!keepAlive) {
        HttpUtil.setKeepAlive(head, false);
      }
      if (!(head instanceof HttpContent)) {
        ctx.write(head);
      }
    }

    @Override
    public void piece(HttpContent piece) {
      ctx.write(piece);
    }

    @Override
    public void last(LastHttpContent last, boolean reusable) {
      upstream = null;
      resumeUpstream = null;
      ChannelFuture written = ctx.writeAndFlush(last);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
      upstreams.done(connection, reusable);
      if (keepAlive) {
        ctx.channel().config().setAutoRead(true);
      }
    }

    @Override
    public void flush() {
      ctx.flush();
    }

    @Override
    public boolean full(Runnable resume) {
      if (ctx.channel().isWritable()) {
        return false;
      }
      resumeUpstream = resume;
      return true;
    }

    @Override
    public void cut() {
      upstream = null;
      ctx.close();
    }
  }
}
