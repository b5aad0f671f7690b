package io.tollgate.frontdoor;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortCheckTest {

  @Test
  void aPortInUseIsRefusedNamingThePortAndTheSetting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> PortCheck.requireFree("127.0.0.1", taken.getLocalPort(), "TOLLGATE_PORT or --port"));
      assertTrue(refused.getMessage().contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use"),
          refused.getMessage());
      assertTrue(refused.getMessage().contains("TOLLGATE_PORT or --port"), refused.getMessage());
    }
  }

  @Test
  void aFreePortAndPortZeroPass() throws Exception {
    int free;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      free = probe.getLocalPort();
    }
    assertDoesNotThrow(() -> PortCheck.requireFree("127.0.0.1", free, "TOLLGATE_PORT"));
    assertDoesNotThrow(() -> PortCheck.requireFree("0.0.0.0", 0, "TOLLGATE_PORT"));
  }
}
