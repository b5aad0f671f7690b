package io.tollgate.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringAdaptiveBufferRingAllocator;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.vertx.core.impl.transports.IoUringTransport;
import io.vertx.core.impl.transports.TransportInternal;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;

/**
 * Vert.x's io_uring transport with a buffer ring: a socket's receive takes a buffer from a ring the
 * event loop shares among its sockets when data arrives, instead of each socket holding a buffer of
 * its own in a posted receive while it waits. Without it, 1,000 slow-reading streams (2,000 sockets
 * waiting) grew the gateway's RSS by 98 MB against epoll's 60 (loadtests/README.md, session 9).
 */
final class IoUringWithBufferRing extends IoUringTransport {

  private static final short BUFFER_GROUP = 1;
  /** Buffers per event loop's ring (a power of two); Netty adds more, up to it, as reads take them. */
  private static final short RING_SIZE = 512;
  private static final int BATCH = 32;

  static Transport transport() {
    return new TransportInternal("io_uring", IoUring.isAvailable(), IoUring.unavailabilityCause(),
        new IoUringWithBufferRing());
  }

  /** Whether this kernel can give receives their buffers from a ring (Linux 5.19 and later). */
  static boolean ringSupported() {
    return IoUring.isAvailable() && IoUring.isRegisterBufferRingSupported();
  }

  @Override
  public IoHandlerFactory ioHandlerFactory() {
    IoUringIoHandlerConfig config = new IoUringIoHandlerConfig();
    if (ringSupported()) {
      config.setBufferRingConfig(IoUringBufferRingConfig.builder()
          .bufferGroupId(BUFFER_GROUP)
          .bufferRingSize(RING_SIZE)
          .batchSize(BATCH)
          .allocator(new IoUringAdaptiveBufferRingAllocator())
          .build());
    }
    return IoUringIoHandler.newFactory(config);
  }

  @Override
  public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
    super.configure(options, domainSocket, bootstrap);
    if (ringSupported()) {
      bootstrap.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
    }
  }

  @Override
  public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
    super.configure(options, connectTimeout, domainSocket, bootstrap);
    if (ringSupported()) {
      bootstrap.option(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
    }
  }
}
