package io.tollgate.gateway.usage;

/**
 * What a usage event may carry, whatever the client sent: the bounds of
 * config/schemas/usage-event.json applied to each field (strings cut to their maxLength in
 * characters, never inside a surrogate pair; negative counts and times to 0), and text made safe
 * for every store downstream (a lone surrogate, which cannot be encoded as UTF-8, and control
 * characters, of which PostgreSQL refuses NUL, become U+FFFD). An event that broke the schema would
 * be dead-lettered by the consumer and never billed.
 */
final class UsageFields {

  static final int ID_MAX = 256;
  static final int REQUEST_ID_MAX = 128;
  static final int ERROR_KIND_MAX = 128;
  private static final char REPLACEMENT = '\uFFFD';

  private UsageFields() {
  }

  /** At most {@code max} characters (code points), made safe; null stays null. */
  static String bounded(String value, int max) {
    if (value == null) {
      return null;
    }
    if (value.length() <= max && clean(value)) {
      return value;
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), max * 2));
    int codePoints = 0;
    for (int i = 0; i < value.length() && codePoints < max; codePoints++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        out.append(c).append(value.charAt(i + 1));
        i += 2;
        continue;
      }
      out.append(Character.isSurrogate(c) || Character.isISOControl(c) ? REPLACEMENT : c);
      i++;
    }
    return out.toString();
  }

  /** Bounded, and never empty (the schema's minLength 1): an empty value becomes {@code whenEmpty}. */
  static String nonEmpty(String value, int max, String whenEmpty) {
    String bounded = bounded(value, max);
    return bounded == null || bounded.isEmpty() ? whenEmpty : bounded;
  }

  /** A path: starts with "/" (the schema's pattern), bounded like an id. */
  static String path(String value) {
    String bounded = bounded(value, ID_MAX);
    if (bounded == null || bounded.isEmpty()) {
      return "/";
    }
    return bounded.charAt(0) == '/' ? bounded : "/" + bounded;
  }

  private static final int FAMILY_MAX = 32;

  /**
   * An endpoint family as the schema bounds it ({@code [a-z_]{1,32}}), else null. A loop, not a
   * regular expression: it runs for every event, and the matcher showed in the request path's profile.
   */
  static String family(String value) {
    if (value == null || value.isEmpty() || value.length() > FAMILY_MAX) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 'a' || c > 'z') && c != '_') {
        return null;
      }
    }
    return value;
  }

  static long count(long value) {
    return Math.max(0, value);
  }

  /** Non-negative and finite (JSON has no NaN); negative stays negative only as "none" (-1). */
  static double amount(double value) {
    return Double.isFinite(value) && value > 0 ? value : 0;
  }

  private static boolean clean(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
