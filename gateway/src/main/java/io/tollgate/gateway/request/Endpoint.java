package io.tollgate.gateway.request;

/**
 * The APIs the gateway proxies to a model's backends, one constant per path a client may call
 * (aliases of one API are constants of one {@link Family}), with what the request path needs to
 * know of each: the fields a body must have, whether it generates tokens (and so can stream and
 * reserves its output), how its stream reports usage, and whose error shape its callers expect.
 */
public enum Endpoint {
  CHAT_COMPLETIONS("/v1/chat/completions", Family.CHAT, "messages"),
  COMPLETIONS("/v1/completions", Family.COMPLETIONS, "prompt"),
  EMBEDDINGS("/v1/embeddings", Family.EMBEDDINGS, "input"),
  RESPONSES("/v1/responses", Family.RESPONSES, "input"),
  MESSAGES("/v1/messages", Family.MESSAGES, "messages"),
  MESSAGES_COUNT_TOKENS("/v1/messages/count_tokens", Family.COUNT_TOKENS, "messages"),
  RERANK("/rerank", Family.RERANK, "query"),
  RERANK_V1("/v1/rerank", Family.RERANK, "query"),
  RERANK_V2("/v2/rerank", Family.RERANK, "query"),
  SCORE("/score", Family.SCORE, null),
  SCORE_V1("/v1/score", Family.SCORE, null),
  TOKENIZE("/tokenize", Family.TOKENIZE, null),
  DETOKENIZE("/detokenize", Family.TOKENIZE, "tokens"),
  /** Speech to text: a multipart upload (the audio file and form fields), not JSON. */
  TRANSCRIPTIONS("/v1/audio/transcriptions", Family.AUDIO, null),
  TRANSLATIONS("/v1/audio/translations", Family.AUDIO, null),
  /** A stored response, by id: sent to the backend that holds it. */
  RESPONSE_GET("/v1/responses/{id}", Family.RESPONSE_STORE, null, "GET"),
  /** Cancels a (background) stored response on the backend that holds it. */
  RESPONSE_CANCEL("/v1/responses/{id}/cancel", Family.RESPONSE_STORE, null, "POST");

  /** One API, whatever path it is called on: what usage events, metrics and reports group by. */
  public enum Family {
    CHAT("chat", Stream.CHAT_CHUNKS, Dialect.OPENAI),
    COMPLETIONS("completions", Stream.CHAT_CHUNKS, Dialect.OPENAI),
    EMBEDDINGS("embeddings", Stream.NONE, Dialect.OPENAI),
    RESPONSES("responses", Stream.RESPONSE_EVENTS, Dialect.OPENAI),
    MESSAGES("messages", Stream.MESSAGE_EVENTS, Dialect.ANTHROPIC),
    COUNT_TOKENS("count_tokens", Stream.NONE, Dialect.ANTHROPIC),
    RERANK("rerank", Stream.NONE, Dialect.OPENAI),
    SCORE("score", Stream.NONE, Dialect.OPENAI),
    TOKENIZE("tokenize", Stream.NONE, Dialect.OPENAI),
    /** Transcriptions and translations; streamed as chat-like chunks ending in [DONE]. */
    AUDIO("audio", Stream.CHAT_CHUNKS, Dialect.OPENAI),
    /** Reading or cancelling a stored response: counted with the Responses API. */
    RESPONSE_STORE("responses", Stream.NONE, Dialect.OPENAI);

    private final String label;
    private final Stream stream;
    private final Dialect dialect;

    Family(String label, Stream stream, Dialect dialect) {
      this.label = label;
      this.stream = stream;
      this.dialect = dialect;
    }

    /** The name in usage events, metrics and analytics. */
    public String label() {
      return label;
    }
  }

  /** How a streamed answer is framed, ends and reports its usage. */
  public enum Stream {
    /** Not streamed. */
    NONE,
    /** {@code data:} chunks with choices, a usage chunk with empty choices, then {@code data: [DONE]}. */
    CHAT_CHUNKS,
    /** Typed events ({@code event:} lines); usage in the final {@code response.completed}; no [DONE]. */
    RESPONSE_EVENTS,
    /** Anthropic's typed events; usage in {@code message_start} and {@code message_delta}; ends at {@code message_stop}. */
    MESSAGE_EVENTS
  }

  /** Whose error shape and credentials the callers of an endpoint use. */
  public enum Dialect {
    /** {@code {"error":{"message","type","param","code"}}}; keys as {@code Authorization: Bearer}. */
    OPENAI,
    /** {@code {"type":"error","error":{"type","message"}}}; keys as {@code x-api-key} or Bearer. */
    ANTHROPIC
  }

  private static final String STORED_RESPONSE = "/v1/responses/";
  private static final String CANCEL = "/cancel";

  private final String path;
  private final Family family;
  private final String requiredField;
  private final String method;

  Endpoint(String path, Family family, String requiredField) {
    this(path, family, requiredField, "POST");
  }

  Endpoint(String path, Family family, String requiredField, String method) {
    this.path = path;
    this.family = family;
    this.requiredField = requiredField;
    this.method = method;
  }

  /**
   * The path as called and sent on to the backend; for a stored response, its template
   * ({@code {id}}), which is also what metrics and usage events record.
   */
  public String path() {
    return path;
  }

  /** The one method the endpoint takes. */
  public String method() {
    return method;
  }

  /** Whether the body is a multipart form (an upload) rather than JSON. */
  public boolean multipart() {
    return family == Family.AUDIO;
  }

  /** Whether the path names a stored response ({@code /v1/responses/{id}…}). */
  public boolean addressesStoredResponse() {
    return family == Family.RESPONSE_STORE;
  }

  /** The response id in a stored-response path, or null. */
  public static String storedResponseId(String path) {
    if (!path.startsWith(STORED_RESPONSE)) {
      return null;
    }
    String rest = path.substring(STORED_RESPONSE.length());
    if (rest.endsWith(CANCEL)) {
      rest = rest.substring(0, rest.length() - CANCEL.length());
    }
    return rest.isEmpty() || rest.indexOf('/') >= 0 ? null : rest;
  }

  public Family family() {
    return family;
  }

  public Dialect dialect() {
    return family.dialect;
  }

  public Stream streaming() {
    return family.stream;
  }

  /** Whether the endpoint generates tokens (and so can stream and reserves its output tokens). */
  public boolean generates() {
    return family.stream != Stream.NONE;
  }

  /** The body field the endpoint cannot do without (beside {@code model}), or null when the backend judges. */
  String requiredField() {
    return requiredField;
  }

  /**
   * Whether the gateway asks the backend for a usage chunk the client did not ask for (and strips
   * it): only chunked streams make usage optional; the typed event streams always carry it.
   */
  public boolean asksForUsage() {
    return family.stream == Stream.CHAT_CHUNKS;
  }

  /** Fixed paths to their endpoint, looked up once per request (values() would copy the array each time). */
  private static final java.util.Map<String, Endpoint> BY_PATH = java.util.Arrays.stream(values())
      .filter(endpoint -> !endpoint.addressesStoredResponse())
      .collect(java.util.stream.Collectors.toUnmodifiableMap(Endpoint::path, endpoint -> endpoint));

  public static Endpoint ofPath(String path) {
    Endpoint fixed = BY_PATH.get(path);
    if (fixed != null) {
      return fixed;
    }
    if (storedResponseId(path) != null) {
      return path.endsWith(CANCEL) ? RESPONSE_CANCEL : RESPONSE_GET;
    }
    return null;
  }
}
