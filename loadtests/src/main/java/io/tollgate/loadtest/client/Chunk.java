package io.tollgate.loadtest.client;

/**
 * What the harness needs from one SSE event of an OpenAI-style stream.
 *
 * @param done             the {@code [DONE]} sentinel
 * @param hasChoices       {@code choices} is a non-empty array: a token chunk in vLLM's bench terms
 * @param hasText          the first choice carries non-empty text (used only when no usage chunk comes)
 * @param completionTokens {@code usage.completion_tokens}, or -1 when absent
 * @param promptTokens     {@code usage.prompt_tokens}, or -1 when absent
 * @param errorMessage     the message of an in-stream {@code {"error":…}} event, or null
 */
public record Chunk(boolean done, boolean hasChoices, boolean hasText, int completionTokens, int promptTokens,
    String errorMessage) {

  static final Chunk DONE = new Chunk(true, false, false, -1, -1, null);

  public boolean isError() {
    return errorMessage != null;
  }
}
