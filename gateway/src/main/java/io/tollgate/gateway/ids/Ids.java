package io.tollgate.gateway.ids;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Identifiers for requests and usage events: time-ordered UUIDv7 from ThreadLocalRandom, because
 * {@link UUID#randomUUID()} draws from a shared SecureRandom that can contend across event loops.
 */
public final class Ids {

  private static final int MAX_CLIENT_ID_LENGTH = 128;

  private Ids() {
  }

  public static String uuidV7() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = System.currentTimeMillis();
    long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /** The client's x-request-id when it is sane (short, visible ASCII), else a new one. */
  public static String requestId(String fromClient) {
    if (fromClient != null && !fromClient.isEmpty() && fromClient.length() <= MAX_CLIENT_ID_LENGTH) {
      boolean sane = true;
      for (int i = 0; i < fromClient.length() && sane; i++) {
        char c = fromClient.charAt(i);
        sane = c > 0x20 && c < 0x7f;
      }
      if (sane) {
        return fromClient;
      }
    }
    return uuidV7();
  }
}
