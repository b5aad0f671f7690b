package io.tollgate.gpu.simulator;

import java.util.Arrays;

/**
 * One prompt's tokens reduced to what the engine needs: how many there are, a hash of all of them (seeds the
 * output text) and the chained hashes of its full blocks of {@link #BLOCK_SIZE} tokens (the prefix cache keys,
 * as vLLM hashes KV blocks: each block's hash covers every token before it too).
 *
 * <p>Tokenisation model: one whitespace-separated word is one token.
 */
final class PromptTokens {

  static final int BLOCK_SIZE = 16;

  private int count;
  private long hash = 0x9E3779B97F4A7C15L;
  private long blockAccumulator;
  private long chain = 0x632BE59BD9B4E019L;
  private long[] blockHashes = new long[8];
  private int blocks;

  static PromptTokens ofText(String text) {
    PromptTokens tokens = new PromptTokens();
    tokens.addWords(text);
    return tokens;
  }

  /** Adds one token (a template marker or a role name). */
  PromptTokens add(String token) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < token.length(); i++) {
      h = (h ^ token.charAt(i)) * 0x100000001B3L;
    }
    return addHashed(h);
  }

  /** Adds the words of a text, splitting on whitespace, without allocating a string per word. */
  PromptTokens addWords(CharSequence text) {
    long h = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          addHashed(h);
          inWord = false;
        }
      } else {
        if (!inWord) {
          h = 0xCBF29CE484222325L;
          inWord = true;
        }
        h = (h ^ c) * 0x100000001B3L;
      }
    }
    if (inWord) {
      addHashed(h);
    }
    return this;
  }

  /** Adds token ids given as numbers (a prompt sent as a list of ints). */
  PromptTokens addId(long id) {
    return addHashed(mix(id + 0x5851F42D4C957F2DL));
  }

  private PromptTokens addHashed(long tokenHash) {
    count++;
    hash = mix(hash * 31 + tokenHash);
    blockAccumulator = mix(blockAccumulator * 31 + tokenHash);
    if (count % BLOCK_SIZE == 0) {
      chain = mix(chain ^ blockAccumulator);
      if (blocks == blockHashes.length) {
        blockHashes = Arrays.copyOf(blockHashes, blocks * 2);
      }
      blockHashes[blocks++] = chain;
      blockAccumulator = 0;
    }
    return this;
  }

  int count() {
    return count;
  }

  long hash() {
    return mix(hash + count);
  }

  long[] blockHashes() {
    return Arrays.copyOf(blockHashes, blocks);
  }

  /** SplitMix64's finaliser: cheap and spreads bits well. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
