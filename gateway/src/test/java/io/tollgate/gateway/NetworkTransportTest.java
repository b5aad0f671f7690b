package io.tollgate.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.transports.TransportInternal;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkTransportTest {

  @Test
  void theEnvironmentNamesTheTransportAndAnUnknownOneIsRefusedNamingTheVariable() {
    assertEquals(NetworkTransport.AUTO, NetworkTransport.fromEnv(Map.of()));
    assertEquals(NetworkTransport.AUTO, NetworkTransport.fromEnv(Map.of("TOLLGATE_TRANSPORT", " Auto ")));
    assertEquals(NetworkTransport.IO_URING, NetworkTransport.fromEnv(Map.of("TOLLGATE_TRANSPORT", "io_uring")));
    assertEquals(NetworkTransport.EPOLL, NetworkTransport.fromEnv(Map.of("TOLLGATE_TRANSPORT", "EPOLL")));
    assertEquals(NetworkTransport.NIO, NetworkTransport.fromEnv(Map.of("TOLLGATE_TRANSPORT", "nio")));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> NetworkTransport.fromEnv(Map.of("TOLLGATE_TRANSPORT", "kqueue")));
    assertTrue(refused.getMessage().contains("TOLLGATE_TRANSPORT"), refused.getMessage());
  }

  @Test
  void autoIsIoUringWhereTheKernelAllowsItAndTheStartLineSaysWhichTransportRuns() throws Exception {
    // The suite runs on Linux x86-64, where the bundled epoll library loads; this machine's kernel
    // (the CI's) allows io_uring, which auto then takes.
    assertTrue(Transport.EPOLL.available(), "epoll: " + Transport.EPOLL.unavailabilityCause());
    assertTrue(Transport.IO_URING.available(), "io_uring: " + Transport.IO_URING.unavailabilityCause());
    // With receive buffers from a ring per event loop (Linux 5.19+), not one per waiting socket.
    assertTrue(IoUringWithBufferRing.ringSupported(), "this kernel has no io_uring buffer rings");
    assertTrue(((TransportInternal) NetworkTransport.AUTO.resolve()).implementation() instanceof IoUringWithBufferRing);
    assertTrue(((TransportInternal) NetworkTransport.IO_URING.resolve()).implementation() instanceof IoUringWithBufferRing);
    Map<NetworkTransport, String> names = Map.of(NetworkTransport.AUTO, "io_uring", NetworkTransport.EPOLL, "epoll",
        NetworkTransport.NIO, "Java NIO");
    for (Map.Entry<NetworkTransport, String> choice : names.entrySet()) {
      Vertx vertx = choice.getKey().create(new VertxOptions());
      try {
        assertEquals(choice.getValue(), NetworkTransport.nameOf(vertx));
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aNamedTransportThisMachineCannotUseIsRefusedWithTheReason() {
    if (Transport.IO_URING.available()) {
      assertTrue(NetworkTransport.IO_URING.resolve().available());
    } else {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, NetworkTransport.IO_URING::resolve);
      assertTrue(refused.getMessage().contains("io_uring is not available here"), refused.getMessage());
    }
  }
}
