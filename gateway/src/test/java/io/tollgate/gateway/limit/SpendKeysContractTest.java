package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.config.LimitSpec;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Instant;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The gateway's side of config/schemas/redis-spend.json: the spend keys it charges are the ones the
 * control plane reads (its own test checks the same examples), for every example in the contract.
 */
class SpendKeysContractTest {

  @Test
  void theSpendKeysChargedAreTheContractsForEveryExample() throws Exception {
    JsonObject contract;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("tollgate-config/schemas/redis-spend.json")) {
      contract = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    var examples = contract.getJsonArray("examples");
    assertFalse(examples.isEmpty(), "the contract has examples");
    for (Object value : examples) {
      JsonObject example = (JsonObject) value;
      BudgetSpec budget = new BudgetSpec(1.0,
          BudgetSpec.Period.valueOf(example.getString("period").toUpperCase(Locale.ROOT)));
      AdmissionRequest request = new AdmissionRequest(example.getString("key"), example.getString("org"),
          LimitSpec.UNLIMITED, LimitSpec.UNLIMITED, 1, 1, budget, budget);
      RedisKeys keys = RedisKeys.of(example.getString("prefix"), request, "r", Instant.parse(example.getString("at")));
      assertEquals(example.getString("keySpend"), keys.keySpend(), example.encode());
      assertEquals(example.getString("orgSpend"), keys.orgSpend(), example.encode());
      assertEquals(example.getString("keyAlerts"), keys.keyAlerts(), example.encode());
      assertEquals(example.getString("orgAlerts"), keys.orgAlerts(), example.encode());
    }
  }
}
