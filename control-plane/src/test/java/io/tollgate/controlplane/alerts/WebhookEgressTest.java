package io.tollgate.controlplane.alerts;

import io.tollgate.controlplane.config.AlertSettings;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which webhook destinations the control plane refuses (SSRF): by default every address that is
 * not public, however it is written; host patterns when configured; networks an operator allows.
 */
class WebhookEgressTest {

  private static final WebhookEgress DEFAULT = new WebhookEgress(AlertSettings.Webhooks.PUBLIC_ONLY);

  private static InetAddress at(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void everyNonPublicAddressIsRefusedByDefaultHoweverItIsWritten() throws Exception {
    for (String address : List.of("169.254.169.254", "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1",
        "172.31.255.255", "192.168.1.1", "100.64.0.1", "0.0.0.0", "::1", "::", "fe80::1", "fd00:ec2::254",
        "fc00::7", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "224.0.0.1", "255.255.255.255")) {
      String refusal = DEFAULT.refuseAddress(at(address));
      assertNotNull(refusal, address + " must be refused");
      assertTrue(refusal.contains("TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS"), refusal);
    }
    assertTrue(DEFAULT.refuseAddress(at("169.254.169.254")).contains("link-local (cloud metadata)"));
    for (String address : List.of("8.8.8.8", "52.1.2.3", "172.32.0.1", "100.128.0.1", "2606:4700::1111")) {
      assertNull(DEFAULT.refuseAddress(at(address)), address + " is public");
    }
  }

  @Test
  void allowedNetworksAreTheOnlyExceptions() throws Exception {
    WebhookEgress egress = new WebhookEgress(new AlertSettings.Webhooks(List.of(),
        List.of("10.20.0.0/16", "127.0.0.1", "fd12:3456::/32")));
    assertNull(egress.refuseAddress(at("10.20.3.4")));
    assertNull(egress.refuseAddress(at("127.0.0.1")));
    assertNull(egress.refuseAddress(at("::ffff:127.0.0.1")), "the same address written as IPv6");
    assertNull(egress.refuseAddress(at("fd12:3456:0:1::9")));
    assertNotNull(egress.refuseAddress(at("10.21.0.1")));
    assertNotNull(egress.refuseAddress(at("127.0.0.2")));
    assertNotNull(egress.refuseAddress(at("169.254.169.254")), "the metadata service stays refused");
  }

  @Test
  void hostPatternsMatchTheHostOrAnySubdomain() {
    WebhookEgress egress = new WebhookEgress(new AlertSettings.Webhooks(List.of("hooks.slack.com",
        "*.webhook.office.com"), List.of()));
    assertNull(egress.refuseHost(URI.create("https://hooks.slack.com/services/T/B/x")));
    assertNull(egress.refuseHost(URI.create("https://HOOKS.Slack.com/services/T/B/x")));
    assertNull(egress.refuseHost(URI.create("https://acme.webhook.office.com/webhookb2/x")));
    assertNull(egress.refuseHost(URI.create("https://a.b.webhook.office.com/x")));
    assertEquals("host webhook.office.com is not one webhooks may be sent to (TOLLGATE_ALERTS_WEBHOOK_HOSTS: "
        + "hooks.slack.com, *.webhook.office.com)", egress.refuseHost(URI.create("https://webhook.office.com/x")));
    assertNotNull(egress.refuseHost(URI.create("https://hooks.slack.com.evil.example/x")));
    assertNotNull(egress.refuseHost(URI.create("https://evilwebhook.office.com/x")));
    assertNotNull(egress.refuseHost(URI.create("http://169.254.169.254/latest/meta-data/")));
    assertNull(DEFAULT.refuseHost(URI.create("https://anything.example/x")), "no patterns: any host");
  }

  @Test
  void badConfigurationIsRefusedNamingTheEntry() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebhookEgress.validate(
        new AlertSettings.Webhooks(List.of("https://hooks.slack.com/"), List.of())));
    assertTrue(e.getMessage().contains("https://hooks.slack.com/"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> WebhookEgress.validate(
        new AlertSettings.Webhooks(List.of(), List.of("10.0.0.0/33"))));
    assertTrue(e.getMessage().contains("prefix length must be 0 to 32"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WebhookEgress.validate(
        new AlertSettings.Webhooks(List.of(), List.of("internal.example"))));
  }
}
