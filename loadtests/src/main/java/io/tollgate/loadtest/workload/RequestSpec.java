package io.tollgate.loadtest.workload;

import io.vertx.core.json.JsonArray;

/**
 * What one request asks for, independent of the endpoint it goes to.
 *
 * @param systemPrompt  shared prefix sent as the system message (chat) or prepended (completions); may be null
 * @param userPrompt    the request's own prompt text; ignored when {@code messages} is set
 * @param messages      chat messages taken verbatim from a prompts file; null otherwise
 * @param promptTokens  planned prompt length in tokens (words), used when the server reports no usage
 * @param maxTokens     output length asked for ({@code max_completion_tokens} / {@code max_tokens})
 */
public record RequestSpec(String systemPrompt, String userPrompt, JsonArray messages, int promptTokens,
    int maxTokens) {
}
