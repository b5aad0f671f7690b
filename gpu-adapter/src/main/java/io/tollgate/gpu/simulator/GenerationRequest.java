package io.tollgate.gpu.simulator;

import java.util.List;

/**
 * A validated {@code /v1/chat/completions} or {@code /v1/completions} request: one tokenised prompt per
 * output choice (a completions request may send a list of prompts), and what to generate for them.
 *
 * @param maxTokens null when the request gave none (the output then stops at a deterministic length)
 * @param seed      null when the request gave none (the output is then seeded by config seed and prompt)
 */
record GenerationRequest(Endpoint endpoint, String model, List<PromptTokens> prompts, Integer maxTokens, Long seed,
    boolean ignoreEos, boolean stream, boolean includeUsage, boolean continuousUsage) {

  int promptTokens() {
    int sum = 0;
    for (PromptTokens p : prompts) {
      sum += p.count();
    }
    return sum;
  }
}
