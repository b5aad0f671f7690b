package io.tollgate.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;

import java.util.Locale;
import java.util.Map;

/**
 * The network transport the gateway's Vert.x runs on ({@code TOLLGATE_TRANSPORT}): {@code auto}
 * (Netty's native epoll where it loads, else Java NIO), {@code epoll}, {@code nio}, or
 * {@code io_uring}, opt-in, with receive buffers from a ring per event loop
 * ({@link IoUringWithBufferRing}). With io_uring an event loop hands the kernel its reads and writes
 * in batches where epoll makes a system call for each. Measured beside epoll (docs/adr/0022) it cut
 * the CPU per small request by 15-36 % at 64 connections, but cost 2-14 % more at 8 and ~50 MB more
 * RSS under load (past the 256 MB the gateway is held to), so it is not the default. It needs Linux
 * 5.10 or later (the ring 5.19) and is refused by Docker's and containerd's default seccomp profiles.
 * On Netty 4.2.9 (the Vert.x 5.0.7 BOM's) it closed connections under concurrency; on 4.2.18, which
 * the build takes, the gateway's suite passes on it ({@code -Dtollgate.test.transport=io_uring}).
 */
public enum NetworkTransport {
  AUTO, IO_URING, EPOLL, NIO;

  static final String ENV = "TOLLGATE_TRANSPORT";

  /** From the environment; an unknown value is refused, naming the variable. */
  public static NetworkTransport fromEnv(Map<String, String> env) {
    String value = env.getOrDefault(ENV, "auto").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "", "auto" -> AUTO;
      case "io_uring", "io-uring", "iouring" -> IO_URING;
      case "epoll" -> EPOLL;
      case "nio" -> NIO;
      default -> throw new IllegalArgumentException(ENV + " must be auto, io_uring, epoll or nio, not '" + value + "'");
    };
  }

  /**
   * The transport this choice means on this machine. A named native transport that cannot be used
   * is refused with the reason the kernel or the JVM gave (no silent fallback: an operator who asked
   * for io_uring wants to know that they do not have it).
   */
  public Transport resolve() {
    return switch (this) {
      case AUTO -> Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO;
      case IO_URING -> available(IoUringWithBufferRing.transport(), "io_uring");
      case EPOLL -> available(Transport.EPOLL, "epoll");
      case NIO -> Transport.NIO;
    };
  }

  Vertx create(VertxOptions options) {
    return Vertx.builder().with(options).withTransport(resolve()).build();
  }

  /** What a running Vert.x uses, for the start line: io_uring, epoll or Java NIO. */
  static String nameOf(Vertx vertx) {
    String implementation = ((VertxInternal) vertx).transport().getClass().getSimpleName();
    return implementation.startsWith("IoUring") ? "io_uring"
        : implementation.startsWith("Epoll") ? "epoll" : "Java NIO";
  }

  private static Transport available(Transport transport, String name) {
    if (!transport.available()) {
      Throwable cause = transport.unavailabilityCause();
      throw new IllegalArgumentException(ENV + "=" + name + " but " + name + " is not available here: "
          + (cause == null ? "unknown reason" : cause.getMessage()));
    }
    return transport;
  }
}
