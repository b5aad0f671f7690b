package io.tollgate.gateway;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The name a gateway reports itself under (docs/adr/0018-gateways-report-their-view.md). */
class GatewayInstanceNameTest {

  @Test
  void aNameGivenIsUsedAsItIs() {
    assertEquals("edge-eu-1", GatewayMain.instanceName(Map.of("TOLLGATE_INSTANCE", " edge-eu-1 ", "HOSTNAME", "pod"), 8080));
  }

  @Test
  void elseTheHostAndThePortTellGatewaysOnOneHostApart() {
    assertEquals("tollgate-gateway-7f9c-x2:8080", GatewayMain.instanceName(Map.of("HOSTNAME", "tollgate-gateway-7f9c-x2"), 8080));
    assertEquals("ci-runner:8082", GatewayMain.instanceName(Map.of("HOSTNAME", "ci-runner"), 8082));
    // What the control plane's name pattern refuses is replaced.
    assertEquals("my-host-:9000", GatewayMain.instanceName(Map.of("HOSTNAME", "my host/"), 9000));
  }

  @Test
  void withoutEitherTheLocalHostsName() {
    String name = GatewayMain.instanceName(Map.of(), 8080);
    assertTrue(name.matches("^[A-Za-z0-9._-]+:8080$"), name);
  }
}
