package io.tollgate.loadtest.peers;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * An upstream connection of the floor proxy: hands the answer's decoded pieces to the client's sink as they come,
 * tells it to write them once per upstream read (not per piece), and stops reading while the client is full.
 */
final class FloorUpstreamSide extends ChannelInboundHandlerAdapter {

  private FloorSink sink;
  private boolean reusable;
  /** Turns reading back on once the client has room (made once, not per piece). */
  private Runnable resume;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    resume = () -> ctx.channel().config().setAutoRead(true);
  }

  void relayTo(FloorSink sink) {
    this.sink = sink;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (sink == null || !(msg instanceof HttpObject piece) || piece.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      if (sink != null) {
        cut();
        ctx.close();
      }
      return;
    }
    if (msg instanceof HttpResponse head) {
      reusable = HttpUtil.isKeepAlive(head);
      sink.head(head);
    }
    if (msg instanceof LastHttpContent last) {
      FloorSink to = sink;
      sink = null;
      to.last(last, reusable);
      return;
    }
    if (msg instanceof HttpContent content) {
      sink.piece(content);
      if (sink.full(resume)) {
        ctx.channel().config().setAutoRead(false);
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (sink != null) {
      sink.flush();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cut();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void cut() {
    if (sink != null) {
      FloorSink to = sink;
      sink = null;
      to.cut();
    }
  }
}
