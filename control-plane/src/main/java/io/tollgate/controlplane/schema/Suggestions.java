package io.tollgate.controlplane.schema;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean": the known name closest to a misspelt one, when it is close enough to be a typo. */
public final class Suggestions {

  private Suggestions() {
  }

  /**
   * The closest of {@code known} to {@code name} by edit distance (case-insensitive), if at most a
   * third of the longer name's letters (at least one) differ; else null. {@code dispaly} →
   * {@code display}, {@code lables} → {@code labels}, {@code budjet} → {@code budget}; {@code colour}
   * → nothing.
   */
  public static String closest(String name, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best == null) {
      return null;
    }
    int allowed = Math.max(1, Math.max(name.length(), best.length()) / 3);
    return bestDistance <= allowed ? best : null;
  }

  /** "unknown field X" with ", did you mean Y?" when a known field is close. */
  public static String unknownField(String name, Collection<String> known) {
    String suggestion = closest(name, known);
    return "unknown field " + name + (suggestion == null ? " (known: " + String.join(", ", known) + ")"
        : ": did you mean " + suggestion + "?");
  }

  /**
   * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
   * neighbours (the commonest typo, "dispaly") each count one.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
