package io.tollgate.controlplane.auth;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordsTest {

  @Test
  void hashesAreArgon2idPhcStringsWithTheirOwnSalt() {
    String hash = Passwords.hash("correct horse battery staple");
    assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
    assertNotEquals(hash, Passwords.hash("correct horse battery staple"));
    assertTrue(Passwords.matches("correct horse battery staple", hash));
    assertFalse(Passwords.matches("correct horse battery stapler", hash));
  }

  @Test
  void theParametersAreReadFromTheStoredString() {
    // A hash made with other parameters (as after raising ours) still verifies: made here with Bouncy
    // Castle directly, m=64 KiB, t=1, p=2.
    byte[] salt = "somesaltsomesalt".getBytes(StandardCharsets.US_ASCII);
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(64).withIterations(1).withParallelism(2).build());
    byte[] out = new byte[32];
    generator.generateBytes("password".getBytes(StandardCharsets.UTF_8), out);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    String other = "$argon2id$v=19$m=64,t=1,p=2$" + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
    assertTrue(Passwords.matches("password", other));
    assertFalse(Passwords.matches("Password", other));
  }

  @Test
  void noOrAMalformedHashMatchesNothing() {
    assertFalse(Passwords.matches("anything at all", null));
    assertFalse(Passwords.matches("anything at all", "$2a$10$bcrypt-is-not-argon"));
    assertFalse(Passwords.matches("", "$argon2id$v=19$m=19456,t=2,p=1$$"));
  }

  @Test
  void lengthIsTheOnlyRule() {
    assertEquals("must be at least 12 characters", Passwords.weakness("elevenchars"));
    assertNull(Passwords.weakness("twelve chars"));
    assertNull(Passwords.weakness("ünïcödé-pässwörd"));
    assertEquals("must be at most 1024 characters", Passwords.weakness("x".repeat(1025)));
  }
}
