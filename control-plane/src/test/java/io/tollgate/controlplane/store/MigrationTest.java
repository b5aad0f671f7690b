package io.tollgate.controlplane.store;

import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.PgSchema;
import io.tollgate.testsupport.Services;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationTest {

  @Test
  void migratesOnceCreatesEveryTableAndKeepsTheAuditLogAppendOnly() throws Exception {
    GuardedVertx guarded = GuardedVertx.create();
    try (PgSchema schema = PgSchema.create("cp")) {
      int first = Database.migrate(guarded.vertx(), Services.PG_URL, schema.name)
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      int second = Database.migrate(guarded.vertx(), Services.PG_URL, schema.name)
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertTrue(first >= 1);
      assertEquals(0, second, "a second start applies nothing");

      for (String table : List.of("orgs", "users", "memberships", "api_keys", "limit_policies", "models", "backends",
          "routes", "config_versions", "audit_log")) {
        assertEquals(1, schema.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
            + "AND table_name = ?", schema.name, table), table);
      }
      schema.execute("INSERT INTO $S.audit_log (actor, action, target, request_id) VALUES ('t', 'a', 'x', 'r')");
      assertThrows(SQLException.class, () -> schema.execute("UPDATE $S.audit_log SET actor = 'forged'"));
      assertThrows(SQLException.class, () -> schema.execute("DELETE FROM $S.audit_log"));
      schema.execute("INSERT INTO $S.config_versions (version, snapshot, created_by) VALUES (1, '{}', 't')");
      assertThrows(SQLException.class, () -> schema.execute("UPDATE $S.config_versions SET snapshot = '{\"x\":1}'"));
    } finally {
      guarded.closeAndAssert();
    }
  }
}
