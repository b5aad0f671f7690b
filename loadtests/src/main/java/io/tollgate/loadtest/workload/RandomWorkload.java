package io.tollgate.loadtest.workload;

import java.util.SplittableRandom;

/**
 * vLLM's random dataset: prompts of random words with lengths drawn around {@code --input-len} and
 * {@code --output-len}. With {@code prefixLen > 0} it is the shared-prefix workload: every request starts with
 * one of {@code numPrefixes} fixed system prompts of that many tokens (what a prefix cache and prefix-affinity
 * routing are for), followed by its own random part.
 */
public final class RandomWorkload implements Workload {

  private final LengthRange input;
  private final LengthRange output;
  private final int prefixLen;
  private final String[] prefixes;
  private final long seed;

  public RandomWorkload(int inputLen, int outputLen, double rangeRatio, int prefixLen, int numPrefixes, long seed) {
    if (outputLen < 1) {
      throw new IllegalArgumentException("output length must be >= 1");
    }
    if (prefixLen < 0 || numPrefixes < 1) {
      throw new IllegalArgumentException("prefix length must be >= 0 and number of prefixes >= 1");
    }
    this.input = new LengthRange(inputLen, rangeRatio);
    this.output = new LengthRange(outputLen, rangeRatio);
    this.prefixLen = prefixLen;
    this.seed = seed;
    this.prefixes = new String[prefixLen == 0 ? 0 : numPrefixes];
    for (int i = 0; i < prefixes.length; i++) {
      prefixes[i] = Words.text(new SplittableRandom(seed * 31 + 7919 * (i + 1)), prefixLen);
    }
  }

  @Override
  public RequestSpec spec(long index) {
    SplittableRandom random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    int inputTokens = Math.max(1, input.draw(random));
    int outputTokens = Math.max(1, output.draw(random));
    String prefix = prefixes.length == 0 ? null : prefixes[(int) (index % prefixes.length)];
    String user = Words.text(random, inputTokens);
    return new RequestSpec(prefix, user, null, inputTokens + (prefix == null ? 0 : prefixLen), outputTokens);
  }

  @Override
  public String describe() {
    String base = "random: input " + input.describe() + " tokens, output " + output.describe() + " tokens";
    if (prefixLen > 0) {
      base += ", shared prefix " + prefixLen + " tokens (" + prefixes.length + " distinct)";
    }
    return base;
  }
}
