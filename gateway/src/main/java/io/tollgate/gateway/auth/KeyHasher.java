package io.tollgate.gateway.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Keyed hash of API key secrets: HMAC-SHA256 under a deployment-wide pepper. A leaked config or
 * database holds only these hashes, and without the pepper they cannot even be brute-forced
 * offline. Thread-safe: a {@link Mac} per thread.
 */
public final class KeyHasher {

  public static final String PREFIX = "hmac-sha256:";

  private final ThreadLocal<Mac> macs;

  public KeyHasher(String pepper) {
    if (pepper == null || pepper.isEmpty()) {
      throw new IllegalArgumentException("the key pepper must not be empty");
    }
    byte[] keyBytes = pepper.getBytes(StandardCharsets.UTF_8);
    this.macs = ThreadLocal.withInitial(() -> newMac(keyBytes));
  }

  public String hash(String secret) {
    byte[] digest = macs.get().doFinal(secret.getBytes(StandardCharsets.UTF_8));
    return PREFIX + HexFormat.of().formatHex(digest);
  }

  private static Mac newMac(byte[] keyBytes) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(keyBytes, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
