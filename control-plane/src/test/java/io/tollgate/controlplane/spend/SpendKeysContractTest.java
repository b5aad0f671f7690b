package io.tollgate.controlplane.spend;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control plane's side of config/schemas/redis-spend.json: every example of the contract. */
class SpendKeysContractTest {

  @Test
  void theKeysReadAreTheContractsExamples() throws Exception {
    JsonObject contract = new JsonObject(Files.readString(Path.of("../config/schemas/redis-spend.json")));
    int examples = 0;
    for (Object item : contract.getJsonArray("examples")) {
      JsonObject example = (JsonObject) item;
      Instant at = Instant.parse(example.getString("at"));
      assertEquals(example.getString("orgSpend"), SpendKeys.org(example.getString("prefix"), example.getString("org"),
          example.getString("period"), at), example.encode());
      assertEquals(example.getString("keySpend"), SpendKeys.key(example.getString("prefix"), example.getString("org"),
          example.getString("key"), example.getString("period"), at), example.encode());
      assertEquals(example.getString("orgAlerts"), SpendKeys.orgAlerts(example.getString("prefix"),
          example.getString("org"), example.getString("period"), at), example.encode());
      assertEquals(example.getString("keyAlerts"), SpendKeys.keyAlerts(example.getString("prefix"),
          example.getString("org"), example.getString("key"), example.getString("period"), at), example.encode());
      examples++;
    }
    assertTrue(examples >= 3);
  }
}
