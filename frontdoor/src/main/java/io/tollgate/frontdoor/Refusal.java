package io.tollgate.frontdoor;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.buffer.Buffer;

import java.util.concurrent.TimeUnit;

/**
 * A front-door answer written straight to the channel, below Vert.x, then the connection closed.
 * Below Vert.x on purpose: Vert.x would take a request pipelined behind the refused one as soon
 * as the refusal's response ended, and answer it before any close could run.
 */
final class Refusal {

  private Refusal() {
  }

  static void send(ChannelHandlerContext ctx, int status, Buffer body) {
    send(ctx, status, body, false);
  }

  /**
   * @param linger the client may still be sending what is refused (a 100 KB header block): after the
   *               answer, FIN and drop what it sends until it closes or {@link ConnectionDeadlines#LINGER_MS}
   *               pass (nginx's lingering close), so that it reads the refusal rather than a broken pipe
   *               on its write. The caller drops what still arrives.
   */
  static void send(ChannelHandlerContext ctx, int status, Buffer body, boolean linger) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(body.getBytes()));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (!linger) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(response).addListener(written -> lingerThenClose(ctx, written.isSuccess()));
  }

  private static void lingerThenClose(ChannelHandlerContext ctx, boolean written) {
    Channel channel = ctx.channel();
    if (!written || !channel.isActive() || !(channel instanceof DuplexChannel duplex)) {
      ctx.close();
      return;
    }
    var timeout = ctx.executor().schedule(() -> {
      ctx.close();
    }, ConnectionDeadlines.LINGER_MS, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(closed -> timeout.cancel(false));
    channel.config().setAutoRead(true);
    duplex.shutdownOutput().addListener(shut -> {
      if (!shut.isSuccess()) {
        ctx.close();
      }
    });
  }
}
