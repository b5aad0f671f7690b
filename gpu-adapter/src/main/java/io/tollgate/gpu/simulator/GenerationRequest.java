package io.tollgate.gpu.simulator;

import java.util.List;

/**
 * A validated generation request, whatever its API: one tokenised prompt per input (a completions request may
 * send a list of prompts), {@code n} samples of each, and what to generate for them.
 *
 * @param n             samples per prompt (choices {@code prompt index × n + sample})
 * @param maxTokens     null when the request gave none (the output then stops at a deterministic length)
 * @param seed          null when the request gave none (the output is then seeded by config seed and prompt)
 * @param naturalTokens when set, the length at which the output stops by itself (a transcript's length)
 */
record GenerationRequest(Endpoint endpoint, String model, List<PromptTokens> prompts, int n, Integer maxTokens,
    Long seed, boolean ignoreEos, boolean stream, boolean includeUsage, boolean continuousUsage,
    Integer naturalTokens) {

  /** A single-sample request with no natural length (Responses, Messages). */
  static GenerationRequest single(Endpoint endpoint, String model, PromptTokens prompt, Integer maxTokens,
      Long seed, boolean ignoreEos, boolean stream) {
    return new GenerationRequest(endpoint, model, List.of(prompt), 1, maxTokens, seed, ignoreEos, stream, false,
        false, null);
  }

  /** Prompt tokens as vLLM bills them: each prompt once, however many samples it has. */
  int promptTokens() {
    int sum = 0;
    for (PromptTokens p : prompts) {
      sum += p.count();
    }
    return sum;
  }
}
