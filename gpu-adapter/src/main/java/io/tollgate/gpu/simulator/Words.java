package io.tollgate.gpu.simulator;

import java.util.ArrayList;
import java.util.List;

/** Whitespace splitting: the simulator's tokeniser (one word = one token). */
final class Words {

  private Words() {
  }

  static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        if (start >= 0) {
          words.add(text.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      words.add(text.substring(start));
    }
    return words;
  }
}
