package io.tollgate.gateway.limit;

import io.tollgate.gateway.config.BudgetSpec;
import io.tollgate.gateway.config.LimitSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Every key one script touches must hash to one Redis Cluster slot. */
class RedisKeysTest {

  @Test
  void allKeysOfOneAdmissionShareTheOrgsSlot() {
    AdmissionRequest request = new AdmissionRequest("key-1", "acme", new LimitSpec(1, 1, 1), new LimitSpec(1, 1, 0),
        10, 10, new BudgetSpec(1, BudgetSpec.Period.DAY), new BudgetSpec(5, BudgetSpec.Period.MONTH));
    RedisKeys keys = RedisKeys.of("tg", request, "res-1", Instant.parse("2026-11-25T10:00:00Z"));
    Set<Integer> slots = new HashSet<>();
    keys.forAdmit().forEach(key -> slots.add(slot(key)));
    keys.forSettle().forEach(key -> slots.add(slot(key)));
    keys.forLease().forEach(key -> slots.add(slot(key)));
    keys.forRelease().forEach(key -> slots.add(slot(key)));
    assertEquals(1, slots.size(), keys.toString());
    assertEquals("{tg:acme}:k:key-1:spend:d2026-11-25", keys.keySpend());
    assertEquals("{tg:acme}:o:spend:m2026-11", keys.orgSpend());

    RedisKeys otherOrg = RedisKeys.of("tg", new AdmissionRequest("key-1", "globex", LimitSpec.UNLIMITED,
        LimitSpec.UNLIMITED, 1, 0, null, null), "res-2", Instant.now());
    assertNotEquals(slot(keys.keyRpm()), slot(otherOrg.keyRpm()), "orgs spread over the cluster");
  }

  /** Redis Cluster's slot: CRC16/XMODEM of the hash tag (or whole key) mod 16384. */
  static int slot(String key) {
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        key = key.substring(open + 1, close);
      }
    }
    int crc = 0;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      crc ^= (b & 0xff) << 8;
      for (int i = 0; i < 8; i++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc % 16384;
  }

  @Test
  void slotMatchesRedisReferenceValues() {
    // From the Redis Cluster specification: CRC16("123456789") = 0x31C3.
    assertEquals(0x31C3 % 16384, slot("123456789"));
    assertEquals(slot("{user1000}.following"), slot("{user1000}.followers"));
  }
}
