package io.tollgate.controlplane.keys;

import io.tollgate.controlplane.testsupport.RunningControlPlane;
import io.tollgate.controlplane.testsupport.RunningControlPlane.Reply;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the gateways' Redis cannot take a key record, the key change is not stored either (503). */
class KeyStoreOutageTest {

  @Test
  void aKeyChangeRedisCannotTakeIsRolledBackWith503() throws Exception {
    try (RunningControlPlane cp = RunningControlPlane.start("redis://127.0.0.1:1")) {
      String root = cp.user(cp.bootstrapToken, "root@example.com", true);
      // Config announcements are best effort (gateways poll): the org is created.
      assertEquals(201, cp.post("/api/v1/orgs", root, new JsonObject().put("name", "acme")).status());
      long audit = cp.schema.count("SELECT count(*) FROM $S.audit_log");
      Reply refused = cp.post("/api/v1/orgs/acme/keys", root, new JsonObject().put("id", "k"));
      assertEquals(503, refused.status(), refused.body());
      assertTrue(refused.json().getJsonObject("error").getString("message").contains("nothing was changed"));
      assertEquals(0, cp.schema.count("SELECT count(*) FROM $S.api_keys"));
      assertEquals(audit, cp.schema.count("SELECT count(*) FROM $S.audit_log"));
    }
  }
}
