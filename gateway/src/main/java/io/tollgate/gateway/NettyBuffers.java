package io.tollgate.gateway;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.util.Properties;

/**
 * Which Netty buffer allocator the gateway runs on: the pooled one (per-thread caches of pooled
 * arenas), unless the operator names another with {@code -Dio.netty.allocator.type}.
 *
 * <p>Why not Netty 4.2's default, the adaptive allocator: it treats a heap of 512 MiB or less as low
 * memory (as loadtests/peers.sh and small deployments run), and then keeps one magazine per size
 * class shared by every thread and pools no buffer over 16 KiB. The event loops contend for it, and
 * a socket read that finds it busy gets a fresh direct buffer (a {@code DirectByteBuffer}, its
 * cleaner, and the memory zeroed): async-profiler put the read buffers' allocation at 6.3 % of the
 * event loops' time on small requests, 5.1 % of it that fallback; with the pooled allocator's thread
 * caches, 0.75 %, whatever the heap (docs/adr/0022-io-uring-and-pooled-buffers-by-default.md).
 */
public final class NettyBuffers {

  static final String PROPERTY = "io.netty.allocator.type";

  private NettyBuffers() {
  }

  /**
   * Names the pooled allocator unless {@code properties} already name one. Must run before any Netty
   * class reads the property (the first {@code ByteBufAllocator.DEFAULT}): first thing in main.
   *
   * @return the allocator type in effect
   */
  static String choose(Properties properties) {
    String named = properties.getProperty(PROPERTY);
    if (named == null || named.isBlank()) {
      properties.setProperty(PROPERTY, "pooled");
      return "pooled";
    }
    return named.trim();
  }

  /** The allocator Netty actually uses, for the start line: pooled, unpooled or adaptive. */
  static String inUse() {
    ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    return allocator instanceof PooledByteBufAllocator ? "pooled"
        : allocator instanceof UnpooledByteBufAllocator ? "unpooled" : "adaptive";
  }
}
