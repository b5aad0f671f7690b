package io.tollgate.controlplane.keys;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract with the gateway (its ApiKeyMinter and KeyHasher), held by a fixed vector. */
class KeySecretsTest {

  @Test
  void hashEqualsTheGatewaysForAFixedVector() {
    // The gateway's KeyHasher gives this for the same pepper and secret (see GatewayHashContractTest).
    KeySecrets secrets = new KeySecrets("test-vector-pepper");
    assertEquals("hmac-sha256:36b3bef731b5da49b76c0fa423cc4b69109eb8ca98e3741a3362ac902caaf80b",
        secrets.hash("tg-0123456789ABCDEFGHIJabcdefghijKLMNOPQRST"));
  }

  @Test
  void secretsAreTgPlusFortyBase62AndDistinct() {
    KeySecrets secrets = new KeySecrets("p");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String secret = secrets.newSecret();
      assertTrue(secret.matches("tg-[0-9A-Za-z]{40}"), secret);
      assertTrue(seen.add(secret));
    }
    assertEquals("tg-01234567", KeySecrets.displayPrefix("tg-0123456789ABCDEFGHIJabcdefghijKLMNOPQRST"));
  }
}
