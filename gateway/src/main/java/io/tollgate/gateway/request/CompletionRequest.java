package io.tollgate.gateway.request;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A client request as read once at the start of the pipeline: the few fields the gateway acts on,
 * and the bytes as received, forwarded unchanged unless the model is renamed or usage must be asked
 * for. The JSON tree is built only if something needs more than these fields ({@link #body()}).
 *
 * <p>Confined to the request's event loop.
 */
public final class CompletionRequest {

  private final Endpoint endpoint;
  private final Buffer rawBody;
  private final String model;
  private final boolean stream;
  private final boolean clientWantsUsage;
  private final int maxTokens;
  private final int promptTokenEstimate;
  private final BodyLayout layout;
  private final String responseId;
  private final String upstreamPath;
  /** A multipart upload's content type (with its boundary); null for JSON. */
  private String uploadContentType;
  /** The rest of an upload, streamed to the backend after the (possibly rewritten) head; null when read whole. */
  private io.vertx.core.streams.ReadStream<Buffer> uploadRest;
  private JsonObject body;

  /**
   * @param layout where the body's object and its model value sit in {@code rawBody}, and whether
   *               it has {@code stream_options}: what a rewrite by splicing needs
   */
  CompletionRequest(Endpoint endpoint, Buffer rawBody, String model, boolean stream, boolean clientWantsUsage,
                    int maxTokens, int promptTokenEstimate, BodyLayout layout) {
    this(endpoint, rawBody, model, stream, clientWantsUsage, maxTokens, promptTokenEstimate, layout, null,
        endpoint.path());
  }

  private CompletionRequest(Endpoint endpoint, Buffer rawBody, String model, boolean stream, boolean clientWantsUsage,
                            int maxTokens, int promptTokenEstimate, BodyLayout layout, String responseId,
                            String upstreamPath) {
    this.responseId = responseId;
    this.upstreamPath = upstreamPath;
    this.endpoint = endpoint;
    this.rawBody = rawBody;
    this.model = model;
    this.stream = stream;
    this.clientWantsUsage = clientWantsUsage;
    this.maxTokens = maxTokens;
    this.promptTokenEstimate = promptTokenEstimate;
    this.layout = layout;
  }

  /**
   * A request about a stored response ({@code GET /v1/responses/{id}}, its cancel): no body to
   * read, and the model is the one the response was created with, known once its owner is found.
   */
  public static CompletionRequest storedResponse(Endpoint endpoint, String responseId, String path) {
    return new CompletionRequest(endpoint, Buffer.buffer(), null, false, false, -1, 1,
        new BodyLayout(0, -1, -1, false), responseId, path);
  }

  /**
   * A multipart upload (speech to text): its form fields read, its bytes forwarded as they came
   * under the same content type; {@code layout}'s model positions are those of the model field's value.
   */
  static CompletionRequest upload(Endpoint endpoint, Buffer rawBody, String contentType, String model, boolean stream,
                                  boolean clientWantsUsage, BodyLayout layout,
                                  io.vertx.core.streams.ReadStream<Buffer> rest) {
    CompletionRequest request = new CompletionRequest(endpoint, rawBody, model, stream, clientWantsUsage, -1, 1,
        layout);
    request.uploadContentType = contentType;
    request.uploadRest = rest;
    return request;
  }

  /** The rest of an upload still to be streamed (after {@link #rawBody()}, its head), or null. */
  public io.vertx.core.streams.ReadStream<Buffer> uploadRest() {
    return uploadRest;
  }

  /** The content type to send upstream: the upload's, or JSON. */
  public String contentType() {
    return uploadContentType != null ? uploadContentType : "application/json";
  }

  /** Whether the body is a multipart upload (its fields are not JSON). */
  public boolean isUpload() {
    return uploadContentType != null;
  }

  /** A new response continuing a stored one ({@code previous_response_id}): it must go where that one is. */
  CompletionRequest continuing(String previousResponseId) {
    return new CompletionRequest(endpoint, rawBody, model, stream, clientWantsUsage, maxTokens, promptTokenEstimate,
        layout, previousResponseId, upstreamPath);
  }

  /** The same request for the model its stored response was created with. */
  public CompletionRequest withModel(String storedModel) {
    return new CompletionRequest(endpoint, rawBody, storedModel, stream, clientWantsUsage, maxTokens,
        promptTokenEstimate, layout, responseId, upstreamPath);
  }

  /** The stored response the request refers to (by path or previous_response_id), or null. */
  public String responseId() {
    return responseId;
  }

  /** The path to send to the backend: the endpoint's, or a stored response's own. */
  public String upstreamPath() {
    return upstreamPath;
  }

  /** Byte positions in the raw body: its opening brace, the model value's token, stream_options present. */
  public record BodyLayout(int objectStart, int modelStart, int modelEnd, boolean hasStreamOptions) {
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** The bytes as received. */
  public Buffer rawBody() {
    return rawBody;
  }

  /** The public model name. */
  public String model() {
    return model;
  }

  /** Whether the client asked for SSE. */
  public boolean stream() {
    return stream;
  }

  /** Whether the client asked for the final usage chunk itself. */
  public boolean clientWantsUsage() {
    return clientWantsUsage;
  }

  /** The client's max_tokens / max_completion_tokens, or -1. */
  public int maxTokens() {
    return maxTokens;
  }

  /** An upper-leaning estimate of prompt tokens, for TPM reservation. */
  public int promptTokenEstimate() {
    return promptTokenEstimate;
  }

  public BodyLayout layout() {
    return layout;
  }

  /** The parsed JSON, built on first use (not to be mutated; copy to rewrite). */
  public JsonObject body() {
    if (body == null) {
      body = new JsonObject(rawBody);
    }
    return body;
  }
}
