package io.tollgate.gateway.auth;

import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.LimitSpec;
import io.tollgate.gateway.outcome.Reason;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AuthenticatorTest {

  private final KeyHasher hasher = new KeyHasher("pepper");
  private final String secret = "tg-live-secret";
  private final ApiKeySpec key = new ApiKeySpec("k1", hasher.hash(secret), "org", Set.of("*"), new LimitSpec(10, 1000, 2));
  private final List<String> asked = new ArrayList<>();
  private final AtomicReference<KeyStore.Lookup> answer = new AtomicReference<>(KeyStore.Lookup.of(key));
  private final KeyStore store = (hash, snapshot) -> {
    asked.add(hash);
    return Future.succeededFuture(hash.equals(key.hash()) ? answer.get() : KeyStore.Lookup.UNKNOWN);
  };
  private final Authenticator authenticator = new Authenticator(hasher, store);

  private Authenticator.Result authenticate(String presented) {
    return authenticator.authenticate("Bearer " + presented, null, null).result();
  }

  @Test
  void aKeyInUseIsHashedOnceAndStillLookedUpEveryTime() {
    assertEquals(key, authenticate(secret).key());
    assertEquals(key, authenticate(secret).key());
    assertEquals(List.of(key.hash(), key.hash()), asked, "every request asks the store, by the same hash");
    assertEquals(1, authenticator.rememberedSecrets());

    // Revoked while remembered: the lookup by hash still runs, so the refusal is immediate.
    answer.set(KeyStore.Lookup.REVOKED);
    Authenticator.Result revoked = authenticate(secret);
    assertNull(revoked.key());
    assertEquals(Reason.KEY_REVOKED, revoked.error().reason());
  }

  @Test
  void madeUpKeysAreNotRememberedSoTheyCannotPushOutRealOnes() {
    for (int i = 0; i < 1_000; i++) {
      assertEquals(Reason.INVALID_KEY, authenticate("made-up-" + i).error().reason());
    }
    assertEquals(0, authenticator.rememberedSecrets());
    assertEquals(key, authenticate(secret).key());
    assertEquals(1, authenticator.rememberedSecrets());
  }
}
