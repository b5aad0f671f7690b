package io.tollgate.controlplane.auth;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Portal passwords as Argon2id hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), with OWASP's minimum parameters. Hashing
 * takes tens of milliseconds of CPU and 19 MiB: callers run it on a worker, never an event loop.
 * The parameters are read back from each stored string, so they can be raised later.
 */
public final class Passwords {

  public static final int MIN_LENGTH = 12;
  public static final int MAX_LENGTH = 1024;
  private static final int MEMORY_KIB = 19_456;
  private static final int ITERATIONS = 2;
  private static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getDecoder();
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
  /** Checked against when the account has no password, so that a wrong email costs what a wrong password does. */
  private static final String DECOY = hash("decoy password that matches nothing");

  private Passwords() {
  }

  public static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(hash);
  }

  /** Whether {@code password} is the one {@code stored} was made from; a null or malformed {@code stored} matches nothing. */
  public static boolean matches(String password, String stored) {
    Matcher phc = stored == null ? null : PHC.matcher(stored);
    if (phc == null || !phc.matches()) {
      derive(password, DECOY.getBytes(StandardCharsets.US_ASCII), MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
      return false;
    }
    byte[] expected = B64_DECODE.decode(phc.group(5));
    byte[] actual = derive(password, B64_DECODE.decode(phc.group(4)), Integer.parseInt(phc.group(1)),
        Integer.parseInt(phc.group(2)), Integer.parseInt(phc.group(3)), expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  /** Why {@code password} cannot be one (null: it can). Length only, as NIST SP 800-63B asks. */
  public static String weakness(String password) {
    if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
      return "must be at least " + MIN_LENGTH + " characters";
    }
    if (password.length() > MAX_LENGTH) {
      return "must be at most " + MAX_LENGTH + " characters";
    }
    return null;
  }

  private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism,
                               int length) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism).build());
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
