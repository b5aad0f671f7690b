package io.tollgate.gpu.simulator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's token vocabulary: chat-template markers, then a fixed list of plain lowercase ASCII words
 * (the only words it ever generates, so output never needs JSON escaping). Words outside it get a stable
 * hashed id above {@link #FIRST_UNKNOWN_ID} so that {@code /tokenize} works on any text.
 */
final class Vocabulary {

  static final String MESSAGE_START = "<|im_start|>";
  static final String MESSAGE_END = "<|im_end|>";
  static final int FIRST_UNKNOWN_ID = 1_000;
  private static final int UNKNOWN_ID_RANGE = 127_000;

  private static final List<String> SPECIAL = List.of("<|endoftext|>", MESSAGE_START, MESSAGE_END);

  private static final List<String> WORDS = List.of(
      "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "with", "on", "by", "this", "be", "are",
      "from", "at", "or", "an", "which", "can", "more", "all", "into", "each", "other", "when", "than", "then",
      "model", "token", "tokens", "request", "stream", "server", "gateway", "batch", "cache", "prefix", "memory",
      "latency", "throughput", "queue", "route", "backend", "budget", "limit", "key", "usage", "event", "metric",
      "simple", "fast", "steady", "quiet", "bright", "gentle", "careful", "honest", "clear", "small", "large",
      "river", "mountain", "forest", "harbor", "garden", "window", "lantern", "bridge", "meadow", "valley",
      "signal", "engine", "vector", "kernel", "tensor", "matrix", "layer", "weight", "answer", "question",
      "morning", "evening", "winter", "summer", "north", "south", "east", "west", "stone", "paper", "glass",
      "carries", "returns", "measures", "follows", "shapes", "builds", "holds", "keeps", "moves", "waits",
      "again", "often", "always", "never", "today", "later", "slowly", "quickly", "together", "alone");

  private static final Map<String, Integer> IDS = new HashMap<>();

  static {
    for (int i = 0; i < SPECIAL.size(); i++) {
      IDS.put(SPECIAL.get(i), i);
    }
    for (int i = 0; i < WORDS.size(); i++) {
      IDS.put(WORDS.get(i), SPECIAL.size() + i);
    }
  }

  private Vocabulary() {
  }

  static int generatableWords() {
    return WORDS.size();
  }

  static String generatableWord(int index) {
    return WORDS.get(index);
  }

  static int idOf(String token) {
    Integer id = IDS.get(token);
    if (id != null) {
      return id;
    }
    if (token.startsWith("<tok") && token.endsWith(">")) {
      try {
        return Integer.parseInt(token.substring(4, token.length() - 1));
      } catch (NumberFormatException notOurs) {
        // falls through to hashing
      }
    }
    return FIRST_UNKNOWN_ID + Math.floorMod(token.hashCode(), UNKNOWN_ID_RANGE);
  }

  /** The text of a token id; hashed ids render as {@code <tokN>} (the word they came from is not kept). */
  static String textOf(int id) {
    if (id >= 0 && id < SPECIAL.size()) {
      return SPECIAL.get(id);
    }
    int word = id - SPECIAL.size();
    if (word >= 0 && word < WORDS.size()) {
      return WORDS.get(word);
    }
    return "<tok" + id + ">";
  }
}
