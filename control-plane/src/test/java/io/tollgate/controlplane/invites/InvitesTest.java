package io.tollgate.controlplane.invites;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.tollgate.controlplane.config.AlertSettings;
import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invitations against real PostgreSQL and a real SMTP server (GreenMail): the email's link makes a
 * user with a password and the invited role, once; expired, revoked, replaced and used links are
 * refused in words; nobody invites above their own role; outsiders and members cannot invite.
 */
class InvitesTest {

  private static final Pattern LINK = Pattern.compile("(https?://\\S+/invite#(tgi-[A-Za-z0-9_-]+))");
  private static final String PASSWORD = "a long enough password";

  private static GreenMail smtp;
  private static RunningControlPlane cp;
  private static String root;
  private static String admin;
  private static String member;

  @BeforeAll
  static void start() throws Exception {
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    smtp.start();
    cp = RunningControlPlane.start(AlertSettings.defaults().withSmtp(new AlertSettings.Smtp("127.0.0.1",
        smtp.getSmtp().getPort(), "portal@tollgate.test", null, null, "DISABLED")));
    root = cp.user(cp.bootstrapToken, "root@example.com", true);
    for (String org : List.of("acme", "globex")) {
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", org)).status());
    }
    admin = cp.user(root, "admin@acme.test", false);
    member = cp.user(root, "member@acme.test", false);
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/admin@acme.test", root, role("admin")).status());
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/member@acme.test", root, role("member")).status());
  }

  @AfterAll
  static void stop() throws Exception {
    cp.close();
    smtp.stop();
  }

  private static JsonObject role(String role) {
    return new JsonObject().put("role", role);
  }

  private static Reply invite(String token, String org, String email, String role) throws Exception {
    return cp.post("/api/v1/orgs/" + org + "/invites", token, new JsonObject().put("email", email).put("role", role));
  }

  /** The link of the last email sent to {@code to}. */
  private static Matcher lastLinkTo(String to) throws Exception {
    MimeMessage last = null;
    for (MimeMessage mail : smtp.getReceivedMessages()) {
      if (mail.getAllRecipients()[0].toString().equals(to)) {
        last = mail;
      }
    }
    assertTrue(last != null, "no email to " + to);
    Matcher link = LINK.matcher(GreenMailUtil.getBody(last).replace("=\r\n", ""));
    assertTrue(link.find(), GreenMailUtil.getBody(last));
    return link;
  }

  private static RunningControlPlane.Exchange accept(String token, String password) throws Exception {
    return cp.exchange(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/invites/accept"),
        new JsonObject().put("token", token).put("password", password));
  }

  private static Reply lookup(String token) throws Exception {
    return cp.post("/api/v1/invites/lookup", null, new JsonObject().put("token", token));
  }

  @Test
  void theEmailedLinkMakesAPasswordUserWithTheInvitedRoleOnce() throws Exception {
    Reply invited = invite(admin, "acme", "newcomer@acme.test", "viewer");
    assertEquals(201, invited.status(), invited.body());
    assertFalse(invited.body().contains("tgi-"), "the token is never in the answer: " + invited.body());
    assertEquals("admin@acme.test", invited.json().getString("invitedBy"));
    Matcher link = lastLinkTo("newcomer@acme.test");
    assertTrue(link.group(1).startsWith("http://127.0.0.1:" + cp.plane.port() + "/invite#"), link.group(1));
    String token = link.group(2);

    JsonArray pending = cp.get("/api/v1/orgs/acme/invites", member).array();
    assertTrue(pending.stream().anyMatch(i -> ((JsonObject) i).getString("email").equals("newcomer@acme.test")),
        "members see pending invites: " + pending.encode());

    JsonObject details = lookup(token).json();
    assertEquals("acme", details.getString("org"));
    assertEquals("viewer", details.getString("role"));
    assertEquals("newcomer@acme.test", details.getString("email"));

    assertEquals(422, accept(token, "short").status(), "the password rules of local accounts apply");
    RunningControlPlane.Exchange joined = accept(token, PASSWORD);
    assertEquals(201, joined.status(), joined.body());
    assertEquals("viewer", joined.json().getJsonObject("roles").getString("acme"));
    assertTrue(joined.headers().getAll("set-cookie").stream().anyMatch(c -> c.startsWith("tollgate_session=")),
        "the invitee is signed in");
    assertTrue(cp.schema.count("SELECT count(*) FROM $S.users WHERE email = 'newcomer@acme.test' "
        + "AND password_hash LIKE '$argon2id$%'") == 1, "the password is kept as Argon2id");
    assertEquals(201, cp.exchange(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/session"),
        new JsonObject().put("email", "newcomer@acme.test").put("password", PASSWORD)).status(), "and signs in with it");

    RunningControlPlane.Exchange again = accept(token, PASSWORD);
    assertEquals(410, again.status());
    assertTrue(again.body().contains("already used"), again.body());
    assertEquals(410, lookup(token).status());
    assertFalse(cp.get("/api/v1/orgs/acme/invites", admin).body().contains("newcomer@"), "accepted: no longer pending");
    assertTrue(cp.get("/api/v1/orgs/acme/audit?action=invite.*", root).body().contains("invite.accept"));
  }

  @Test
  void anExpiredLinkIsRefusedInWords() throws Exception {
    assertEquals(201, invite(admin, "acme", "late@acme.test", "member").status());
    String token = lastLinkTo("late@acme.test").group(2);
    cp.schema.execute("UPDATE $S.invites SET expires_at = now() - interval '1 minute' WHERE email = 'late@acme.test'");
    Reply refused = lookup(token);
    assertEquals(410, refused.status());
    assertTrue(refused.body().contains("expired on"), refused.body());
    assertEquals(410, accept(token, PASSWORD).status());
    assertEquals(0, cp.schema.count("SELECT count(*) FROM $S.users WHERE email = 'late@acme.test'"));
    assertTrue(cp.get("/api/v1/orgs/acme/invites", admin).array().stream()
        .anyMatch(i -> ((JsonObject) i).getString("email").equals("late@acme.test") && ((JsonObject) i).getBoolean("expired")),
        "listed as expired, so an admin can invite again");
  }

  @Test
  void reinvitingReplacesTheLinkAndRevokingEndsIt() throws Exception {
    assertEquals(201, invite(admin, "acme", "twice@acme.test", "member").status());
    String first = lastLinkTo("twice@acme.test").group(2);
    assertEquals(201, invite(admin, "acme", "twice@acme.test", "viewer").status());
    String second = lastLinkTo("twice@acme.test").group(2);
    assertFalse(first.equals(second));
    Reply replaced = lookup(first);
    assertEquals(404, replaced.status());
    assertTrue(replaced.body().contains("replaced by a newer invitation"), replaced.body());
    assertEquals("viewer", lookup(second).json().getString("role"));
    assertEquals(1, cp.get("/api/v1/orgs/acme/invites", admin).array().stream()
        .filter(i -> ((JsonObject) i).getString("email").equals("twice@acme.test")).count());

    assertEquals(403, cp.call(HttpMethod.DELETE, "/api/v1/orgs/acme/invites/twice@acme.test", member, null).status());
    assertEquals(204, cp.call(HttpMethod.DELETE, "/api/v1/orgs/acme/invites/twice@acme.test", admin, null).status());
    assertEquals(404, lookup(second).status());
    assertEquals(404, accept(second, PASSWORD).status());
    assertEquals(404, cp.call(HttpMethod.DELETE, "/api/v1/orgs/acme/invites/twice@acme.test", admin, null).status());
  }

  @Test
  void nobodyInvitesAboveTheirRoleNorOutsideTheirOrg() throws Exception {
    Reply owner = invite(admin, "acme", "boss@acme.test", "owner");
    assertEquals(403, owner.status(), "an admin cannot make an owner: " + owner.body());
    assertTrue(owner.body().contains("may not grant"), owner.body());
    assertEquals(403, invite(member, "acme", "friend@acme.test", "viewer").status(), "members do not invite");
    assertEquals(404, invite(admin, "globex", "spy@globex.test", "viewer").status(), "another org is not seen");
    assertEquals(201, invite(root, "acme", "boss@acme.test", "owner").status(), "a platform admin may");
    assertEquals(403, cp.call(HttpMethod.DELETE, "/api/v1/orgs/acme/invites/boss@acme.test", admin, null).status(),
        "nor does an admin undo an owner's invitation");
    // The same rule on members: an admin neither makes nor unmakes an owner.
    cp.user(root, "someone@acme.test", false);
    assertEquals(403, cp.put("/api/v1/orgs/acme/members/someone@acme.test", admin, role("owner")).status());
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/someone@acme.test", root, role("owner")).status());
    assertEquals(403, cp.put("/api/v1/orgs/acme/members/someone@acme.test", admin, role("viewer")).status());
    assertEquals(403, cp.call(HttpMethod.DELETE, "/api/v1/orgs/acme/members/someone@acme.test", admin, null).status());
    assertEquals(200, cp.put("/api/v1/orgs/acme/members/someone@acme.test", root, role("viewer")).status());
  }

  @Test
  void badInvitationsAreRefusedInTheApisShape() throws Exception {
    Reply existing = invite(admin, "acme", "member@acme.test", "viewer");
    assertEquals(409, existing.status(), "a user is added, not invited");
    assertTrue(existing.body().contains("add them as a member"), existing.body());
    Reply bad = cp.post("/api/v1/orgs/acme/invites", admin, new JsonObject().put("email", "not-an-email")
        .put("role", "emperor").put("extra", 1));
    assertEquals(422, bad.status());
    assertEquals(3, bad.json().getJsonObject("error").getJsonArray("fields").size(), bad.body());
    Reply unknown = lookup("tgi-nothing");
    assertEquals(404, unknown.status());
    assertTrue(unknown.json().getJsonObject("error").getString("message").contains("not valid"), unknown.body());
    assertEquals(401, cp.get("/api/v1/orgs/acme/invites", null).status(), "listing is not anonymous");
  }

  @Test
  void withoutAnSmtpServerInvitingIsRefusedInWords() throws Exception {
    try (RunningControlPlane plain = RunningControlPlane.start()) {
      String boot = plain.user(plain.bootstrapToken, "root@example.com", true);
      assertEquals(201, plain.post("/api/v1/orgs", boot, new JsonObject().put("name", "acme")).status());
      Reply refused = plain.post("/api/v1/orgs/acme/invites", boot, new JsonObject().put("email", "x@acme.test")
          .put("role", "member"));
      assertEquals(422, refused.status());
      assertTrue(refused.body().contains("SMTP"), refused.body());
    }
  }
}
