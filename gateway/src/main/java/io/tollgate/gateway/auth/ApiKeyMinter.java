package io.tollgate.gateway.auth;

import java.security.SecureRandom;

/** Makes new API key secrets: "tg-" followed by 40 base62 characters (~238 bits). */
public final class ApiKeyMinter {

  public static final String SECRET_PREFIX = "tg-";
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int LENGTH = 40;

  private final SecureRandom random = new SecureRandom();

  public String newSecret() {
    StringBuilder secret = new StringBuilder(SECRET_PREFIX.length() + LENGTH).append(SECRET_PREFIX);
    for (int i = 0; i < LENGTH; i++) {
      secret.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return secret.toString();
  }
}
