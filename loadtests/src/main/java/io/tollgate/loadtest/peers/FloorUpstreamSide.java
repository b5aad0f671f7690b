package io.tollgate.loadtest.peers;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.function.Consumer;

/**
 * An upstream connection of the floor proxy: relays the answer's decoded pieces to the client as they come,
 * flushing once per upstream read (not per piece), and stops reading while the client's socket is full.
 */
final class FloorUpstreamSide extends ChannelInboundHandlerAdapter {

  private Channel client;
  private boolean clientKeepAlive;
  private boolean upstreamKeepAlive;
  /** Told when the answer's last piece was handed to the client: whether this connection may be used again. */
  private Consumer<Boolean> done;

  void relayTo(Channel client, boolean clientKeepAlive, Consumer<Boolean> done) {
    this.client = client;
    this.clientKeepAlive = clientKeepAlive;
    this.done = done;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (client == null || !(msg instanceof HttpObject piece) || piece.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      if (client != null) {
        client.close();
        ctx.close();
      }
      return;
    }
    if (msg instanceof HttpResponse head) {
      upstreamKeepAlive = HttpUtil.isKeepAlive(head);
      if (!clientKeepAlive) {
        HttpUtil.setKeepAlive(head, false);
      }
    }
    if (msg instanceof LastHttpContent) {
      Channel to = client;
      Consumer<Boolean> then = done;
      client = null;
      done = null;
      ChannelFuture written = to.writeAndFlush(msg);
      if (!clientKeepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
      then.accept(upstreamKeepAlive);
      return;
    }
    client.write(msg);
    if (!client.isWritable()) {
      ctx.channel().config().setAutoRead(false); // the client's channelWritabilityChanged turns it back on
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (client != null) {
      client.flush();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (client != null) {
      client.close(); // the answer was cut: the client must not take what it got for all of it
      client = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
