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
  void autoIsNativeEpollOnLinuxAndTheStartLineSaysWhichTransportRuns() throws Exception {
    // The suite runs on Linux x86-64, where the bundled epoll library loads.
    assertTrue(Transport.EPOLL.available(), "epoll: " + Transport.EPOLL.unavailabilityCause());
    assertEquals(Transport.EPOLL, NetworkTransport.AUTO.resolve());
    Map<NetworkTransport, String> names = Map.of(NetworkTransport.AUTO, "epoll", NetworkTransport.EPOLL, "epoll",
        NetworkTransport.NIO, "Java NIO", NetworkTransport.IO_URING, "io_uring");
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
  void ioUringTakesItsReceiveBuffersFromARingPerEventLoop() {
    // This machine's kernel (the CI's, 6.x) has io_uring and its buffer rings (5.19+): without the
    // ring every waiting socket holds a receive buffer of its own (1,000 slow readers: +98 MB RSS).
    assertTrue(Transport.IO_URING.available(), "io_uring: " + Transport.IO_URING.unavailabilityCause());
    assertTrue(IoUringWithBufferRing.ringSupported(), "this kernel has no io_uring buffer rings");
    assertTrue(((TransportInternal) NetworkTransport.IO_URING.resolve()).implementation() instanceof IoUringWithBufferRing);
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
