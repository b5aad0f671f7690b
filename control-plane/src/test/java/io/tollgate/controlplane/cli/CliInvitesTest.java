package io.tollgate.controlplane.cli;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tollgate-admin members invite, invites, revoke-invite against a control plane with an SMTP server. */
class CliInvitesTest {

  private static GreenMail smtp;
  private static RunningControlPlane cp;
  private static CliRunner cli;

  @BeforeAll
  static void setUp() throws Exception {
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    smtp.start();
    cp = RunningControlPlane.start(AlertSettings.defaults().withSmtp(new AlertSettings.Smtp("127.0.0.1",
        smtp.getSmtp().getPort(), "portal@tollgate.test", null, null, "DISABLED")));
    String root = cp.user(cp.bootstrapToken, "root@example.com", true);
    AdminCli.environment(Map.of());
    cli = new CliRunner(cp, root);
    assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
  }

  @AfterAll
  static void tearDown() throws Exception {
    AdminCli.environment(System.getenv());
    cp.close();
    smtp.stop();
  }

  @Test
  void anInvitationIsSentListedAndRevoked() throws Exception {
    CliRunner.Result invited = cli.run("members", "invite", "acme", "carol@acme.test", "member", "-o", "json");
    assertEquals(0, invited.code(), invited.err());
    assertEquals("member", new JsonObject(invited.out()).getString("role"));
    assertFalse(invited.out().contains("tgi-"), "the link goes to the invitee only");
    assertEquals(1, smtp.getReceivedMessages().length);
    assertEquals("carol@acme.test", smtp.getReceivedMessages()[0].getAllRecipients()[0].toString());

    CliRunner.Result listed = cli.run("members", "invites", "acme");
    assertEquals(0, listed.code(), listed.err());
    assertTrue(listed.out().contains("carol@acme.test"), listed.out());

    CliRunner.Result revoked = cli.run("members", "revoke-invite", "acme", "carol@acme.test");
    assertEquals(0, revoked.code(), revoked.err());
    assertTrue(revoked.out().contains("revoked the invitation of carol@acme.test"), revoked.out());
    assertFalse(cli.run("members", "invites", "acme").out().contains("carol@acme.test"));

    CliRunner.Result existing = cli.run("members", "invite", "acme", "root@example.com", "viewer");
    assertNotEquals(0, existing.code());
    assertTrue(existing.err().contains("already has a user"), existing.err());
  }
}
