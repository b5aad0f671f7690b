package io.tollgate.gateway.request;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A client request as parsed once at the start of the pipeline.
 *
 * @param endpoint            which API
 * @param body                the parsed JSON (not to be mutated; copy to rewrite)
 * @param rawBody             the bytes as received, forwarded unchanged when no rewrite is needed
 * @param model               the public model name
 * @param stream              whether the client asked for SSE
 * @param clientWantsUsage    whether the client asked for the final usage chunk itself
 * @param maxTokens           the client's max_tokens / max_completion_tokens, or -1
 * @param promptTokenEstimate an upper-leaning estimate of prompt tokens, for TPM reservation
 */
public record CompletionRequest(
    Endpoint endpoint,
    JsonObject body,
    Buffer rawBody,
    String model,
    boolean stream,
    boolean clientWantsUsage,
    int maxTokens,
    int promptTokenEstimate) {
}
