package io.tollgate.controlplane.keys;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API key secrets and their keyed hash, by the gateway's contract (not its code): a secret is
 * "tg-" + 40 base62 characters; its hash is "hmac-sha256:" + lowercase hex HMAC-SHA256 under the
 * deployment's pepper. Only the hash is ever stored.
 */
public final class KeySecrets {

  public static final String SECRET_PREFIX = "tg-";
  public static final String HASH_PREFIX = "hmac-sha256:";
  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int LENGTH = 40;
  /** Characters shown in listings: enough to tell keys apart, far too few to guess the rest. */
  private static final int DISPLAY_CHARS = 8;

  private final SecureRandom random = new SecureRandom();
  private final byte[] pepper;

  public KeySecrets(String pepper) {
    if (pepper == null || pepper.isEmpty()) {
      throw new IllegalArgumentException("the key pepper must not be empty");
    }
    this.pepper = pepper.getBytes(StandardCharsets.UTF_8);
  }

  public String newSecret() {
    StringBuilder secret = new StringBuilder(SECRET_PREFIX.length() + LENGTH).append(SECRET_PREFIX);
    for (int i = 0; i < LENGTH; i++) {
      secret.append(BASE62[random.nextInt(BASE62.length)]);
    }
    return secret.toString();
  }

  public String hash(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
      return HASH_PREFIX + HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public static String displayPrefix(String secret) {
    return secret.substring(0, SECRET_PREFIX.length() + DISPLAY_CHARS);
  }
}
