package io.tollgate.gateway.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.resolver.AddressResolverGroup;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.spi.transport.Transport;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One event loop's keep-alive connections to the backends, plain HTTP/1.1: each request takes the
 * most recently freed connection to its backend (the warmest; the others may idle out), or opens
 * one. Owned by one loop and used only there, so it takes no locks, unlike a client shared by
 * every loop.
 */
final class ConnectionPool {

  /** An address's state: its idle connections (last freed last) and how many are open. */
  static final class Backend {
    private final String host;
    private final int port;
    private final String hostHeader;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    private int open;

    private Backend(String host, int port) {
      this.host = host;
      this.port = port;
      this.hostHeader = port == 80 ? host : host + ":" + port;
    }

    String hostHeader() {
      return hostHeader;
    }
  }

  private final EventLoop loop;
  private final Transport transport;
  private final ChannelFactory<? extends Channel> channels;
  private final AddressResolverGroup<InetSocketAddress> resolver;
  private final HttpClientOptions options;
  private final int maxPerBackend;
  private final Map<String, Map<Integer, Backend>> backends = new HashMap<>();
  /** The backend the last call went to. */
  private Backend lastUsed;
  private boolean closed;
  /**
   * When the last sweep ran: a freed connection is stamped with it rather than with a clock read per
   * request, so it may be closed up to one sweep period early; against a 60 s keep-alive, nothing.
   */
  private long sweptAtNanos = System.nanoTime();

  /**
   * @param options the socket options, applied by the transport as Vert.x's own client applies them
   *                (TCP_NODELAY; a fixed receive buffer, and reads of that size), and the head's limits
   */
  ConnectionPool(EventLoop loop, Transport transport, AddressResolverGroup<InetSocketAddress> resolver,
                 HttpClientOptions options, int maxPerBackend) {
    this.loop = loop;
    this.transport = transport;
    this.channels = transport.channelFactory(false);
    this.resolver = resolver;
    this.options = options;
    this.maxPerBackend = maxPerBackend;
  }

  /** Sends the call's request on a free connection to its backend, or on a new one. */
  void send(NettyCall call, UpstreamRequest request) {
    Backend backend = backend(request.host(), request.port());
    UpstreamConnection free;
    while ((free = backend.idle.pollLast()) != null) {
      if (free.channel().isActive()) {
        if (!call.attach(free)) {
          backend.idle.addLast(free);
        }
        return;
      }
    }
    if (closed || backend.open >= maxPerBackend) {
      call.failed(new ConnectException("no connection to " + backend.hostHeader + ": "
          + (closed ? "the gateway is stopping" : maxPerBackend + " are open on this event loop")));
      return;
    }
    connect(backend, call, (int) Math.min(Integer.MAX_VALUE, request.connectTimeoutMs()));
  }

  private Backend backend(String host, int port) {
    Backend last = lastUsed;
    if (last != null && last.port == port && last.host.equals(host)) {
      return last; // a loop mostly calls the same few backends: no boxing of the port, no two map lookups
    }
    Map<Integer, Backend> byPort = backends.computeIfAbsent(host, name -> new HashMap<>(4));
    Backend backend = byPort.get(port);
    if (backend == null) {
      backend = new Backend(host, port);
      byPort.put(port, backend);
    }
    lastUsed = backend;
    return backend;
  }

  private void connect(Backend backend, NettyCall call, int connectTimeoutMs) {
    UpstreamConnection connection = new UpstreamConnection(this, backend);
    backend.open++;
    Bootstrap bootstrap = new Bootstrap()
        .group(loop)
        .channelFactory(channels)
        .resolver(resolver); // Vert.x's asynchronous resolver: a DNS lookup must not block the loop
    transport.configure(options, connectTimeoutMs, false, bootstrap);
    ChannelFuture connecting = bootstrap
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel channel) {
            channel.pipeline().addLast(
                new HttpClientCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(options.getMaxInitialLineLength())
                    .setMaxHeaderSize(options.getMaxHeaderSize())
                    .setMaxChunkSize(options.getMaxChunkSize()), false, false),
                connection);
          }
        })
        .connect(InetSocketAddress.createUnresolved(backend.host, backend.port));
    connecting.addListener(done -> {
      if (!done.isSuccess()) {
        backend.open--;
        call.failed(done.cause());
      } else if (!call.attach(connection)) {
        // Given up while connecting: the fresh connection serves the next call instead.
        connection.released(true);
      }
    });
  }

  /** A connection whose response was read whole waits here for the next call to its backend. */
  void idle(UpstreamConnection connection) {
    if (closed) {
      connection.close();
    } else {
      connection.idleSince(sweptAtNanos);
      connection.backend().idle.addLast(connection);
    }
  }

  /** A connection closed (the backend's keep-alive ran out, or a call was reset). */
  void closed(UpstreamConnection connection) {
    Backend backend = connection.backend();
    backend.open--;
    backend.idle.remove(connection);
  }

  /** Closes the connections idle for longer than {@code keepAliveNanos}, oldest first (the front of each queue). */
  void expireIdle(long nowNanos, long keepAliveNanos) {
    sweptAtNanos = nowNanos;
    long oldest = nowNanos - keepAliveNanos;
    for (Map<Integer, Backend> byPort : backends.values()) {
      for (Backend backend : byPort.values()) {
        UpstreamConnection first;
        while ((first = backend.idle.peekFirst()) != null && first.idleSinceNanos() - oldest < 0) {
          backend.idle.pollFirst();
          first.close();
        }
      }
    }
  }

  /** Closes the idle connections and refuses new ones; calls in flight finish on theirs. */
  void close() {
    closed = true;
    List<UpstreamConnection> idle = new ArrayList<>();
    backends.values().forEach(byPort -> byPort.values().forEach(backend -> idle.addAll(backend.idle)));
    idle.forEach(UpstreamConnection::close);
  }
}
