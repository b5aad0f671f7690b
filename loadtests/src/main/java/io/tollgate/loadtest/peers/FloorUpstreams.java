package io.tollgate.loadtest.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.FastThreadLocal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The floor proxy's keep-alive connections to the upstream, each event loop its own (no locks, no hand-over
 * between loops), as the gateway's own upstream connections are.
 */
final class FloorUpstreams {

  private final InetSocketAddress address;
  private final Class<? extends Channel> channelClass;
  private final String hostHeader;
  private final LongAdder opened = new LongAdder();
  private final FastThreadLocal<ArrayDeque<Channel>> idle = new FastThreadLocal<>() {
    @Override
    protected ArrayDeque<Channel> initialValue() {
      return new ArrayDeque<>();
    }
  };

  FloorUpstreams(InetSocketAddress address, Class<? extends Channel> channelClass) {
    this.address = address;
    this.channelClass = channelClass;
    this.hostHeader = address.getHostString() + ":" + address.getPort();
  }

  /** Connections opened so far. */
  long opened() {
    return opened.sum();
  }

  /**
   * Sends the request (taking ownership) on a connection of this loop. {@code answerTo} gets the connection,
   * or null when none could be opened, and returns where the answer goes (null: nobody wants it any more).
   */
  void forward(EventLoop loop, FullHttpRequest request, Function<Channel, FloorSink> answerTo) {
    request.headers().set(HttpHeaderNames.HOST, hostHeader).remove(HttpHeaderNames.CONNECTION);
    acquire(loop, connection -> {
      FloorSink sink = answerTo.apply(connection);
      if (sink == null) {
        request.release();
        if (connection != null) {
          done(connection, true);
        }
        return;
      }
      connection.pipeline().get(FloorUpstreamSide.class).relayTo(sink);
      connection.config().setAutoRead(true); // a connection paused by a slow client earlier reads again
      connection.writeAndFlush(request);
    });
  }

  /** The answer was read whole: the next request of this loop may use the connection, unless it said close. */
  void done(Channel connection, boolean reusable) {
    if (reusable && connection.isActive()) {
      idle.get().addLast(connection);
    } else {
      connection.close();
    }
  }

  private void acquire(EventLoop loop, Consumer<Channel> then) {
    ArrayDeque<Channel> pool = idle.get();
    Channel channel;
    while ((channel = pool.pollLast()) != null) {
      if (channel.isActive()) {
        then.accept(channel);
        return;
      }
    }
    opened.increment();
    ChannelFuture connecting = new Bootstrap()
        .group(loop)
        .channel(channelClass)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new FloorUpstreamSide());
          }
        })
        .connect(address);
    connecting.addListener(done -> then.accept(done.isSuccess() ? connecting.channel() : null));
  }
}
