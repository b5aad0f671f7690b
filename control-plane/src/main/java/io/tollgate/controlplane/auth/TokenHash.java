package io.tollgate.controlplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Admin tokens of users: 32 random bytes, stored as SHA-256 only (they are long and random, so an
 * unkeyed hash cannot be reversed; no pepper needed).
 */
public final class TokenHash {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenHash() {
  }

  public static String newToken() {
    return newToken("tga-");
  }

  /** A random 256-bit token behind {@code prefix} (tga- users, tgs- service accounts). */
  public static String newToken(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String of(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
