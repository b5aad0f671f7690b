package io.tollgate.gateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;

/**
 * One keep-alive connection to a backend, the last handler of its Netty pipeline: hands what is
 * decoded to the call that holds the connection, and tells the pool when it closes.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

  private final ConnectionPool pool;
  private final ConnectionPool.Backend backend;
  private Channel channel;
  private NettyCall call;
  private long idleSinceNanos;

  UpstreamConnection(ConnectionPool pool, ConnectionPool.Backend backend) {
    this.pool = pool;
    this.backend = backend;
  }

  Channel channel() {
    return channel;
  }

  ConnectionPool.Backend backend() {
    return backend;
  }

  String hostHeader() {
    return backend.hostHeader();
  }

  void call(NettyCall call) {
    this.call = call;
  }

  long idleSinceNanos() {
    return idleSinceNanos;
  }

  void idleSince(long nanos) {
    this.idleSinceNanos = nanos;
  }

  /** Its call read the whole response: back to the pool, or closed when the backend will not keep it. */
  void released(boolean keepAlive) {
    if (keepAlive && channel.isActive()) {
      pool.idle(this);
    } else {
      close();
    }
  }

  void close() {
    channel.close();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    channel = context.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object message) {
    NettyCall owner = call;
    if (owner != null && message instanceof HttpObject http) {
      owner.received(http);
      return;
    }
    // What a reset call's response still had on its way, or bytes no request asked for.
    ReferenceCountUtil.release(message);
    if (owner == null && channel.isActive() && !(message instanceof io.netty.handler.codec.http.LastHttpContent)) {
      close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    pool.closed(this);
    NettyCall owner = call;
    if (owner != null) {
      call = null;
      owner.failed(new IOException("the backend closed the connection before the response was complete"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    NettyCall owner = call;
    if (owner != null) {
      call = null;
      owner.failed(cause);
    }
    context.close();
  }
}
