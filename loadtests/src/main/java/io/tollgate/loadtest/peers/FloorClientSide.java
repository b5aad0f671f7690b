package io.tollgate.loadtest.peers;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * A client connection of the floor proxy: one request at a time (reading pauses until its answer has been
 * relayed), forwarded whole on a keep-alive upstream connection of the same event loop. A client that goes away
 * mid-answer closes the upstream connection, as a proxy must to stop the backend's work.
 */
final class FloorClientSide extends ChannelInboundHandlerAdapter {

  private final FloorProxy.Upstreams upstreams;
  /** The upstream connection of the request in flight, null between requests. */
  private Channel upstream;

  FloorClientSide(FloorProxy.Upstreams upstreams) {
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
    request.headers().set(HttpHeaderNames.HOST, upstreams.hostHeader).remove(HttpHeaderNames.CONNECTION);
    upstreams.acquire(ctx.channel().eventLoop(), connection -> {
      if (connection == null) {
        request.release();
        refuse(ctx, HttpResponseStatus.BAD_GATEWAY);
        return;
      }
      if (!ctx.channel().isActive()) {
        request.release();
        upstreams.release(connection);
        return;
      }
      upstream = connection;
      connection.pipeline().get(FloorUpstreamSide.class).relayTo(ctx.channel(), keepAlive, reusable -> {
        upstream = null;
        if (reusable) {
          upstreams.release(connection);
        } else {
          connection.close();
        }
        if (keepAlive) {
          ctx.channel().config().setAutoRead(true);
        }
      });
      connection.config().setAutoRead(true); // a connection paused by a slow client earlier reads again
      connection.writeAndFlush(request);
    });
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (upstream != null && ctx.channel().isWritable()) {
      upstream.config().setAutoRead(true);
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
}
