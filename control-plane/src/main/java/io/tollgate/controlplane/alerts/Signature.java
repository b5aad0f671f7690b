package io.tollgate.controlplane.alerts;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The generic webhook's signature: HMAC-SHA256 with the channel's secret over
 * {@code timestamp + "." + body}, hex, sent as {@code X-Tollgate-Signature: v1=<hex>} beside
 * {@code X-Tollgate-Timestamp: <unix seconds>}. A receiver recomputes it and refuses a timestamp more
 * than {@link #TOLERANCE_SECONDS} from its clock: a captured request cannot be replayed later.
 */
public final class Signature {

  public static final String TIMESTAMP_HEADER = "X-Tollgate-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Tollgate-Signature";
  public static final long TOLERANCE_SECONDS = 300;

  private Signature() {
  }

  public static String sign(String secret, long timestampSeconds, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "v1=" + HexFormat.of().formatHex(mac.doFinal((timestampSeconds + "." + body)
          .getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** As a receiver checks: the signature matches and the timestamp is within the tolerance of {@code nowSeconds}. */
  public static boolean verify(String secret, String timestampHeader, String signatureHeader, String body,
                               long nowSeconds) {
    if (timestampHeader == null || signatureHeader == null) {
      return false;
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampHeader.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) {
      return false;
    }
    return MessageDigest.isEqual(sign(secret, timestamp, body).getBytes(StandardCharsets.UTF_8),
        signatureHeader.trim().getBytes(StandardCharsets.UTF_8));
  }
}
