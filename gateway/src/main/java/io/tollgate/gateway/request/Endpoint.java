package io.tollgate.gateway.request;

/** The OpenAI-compatible endpoints the gateway proxies to a model's backends. */
public enum Endpoint {
  CHAT_COMPLETIONS("/v1/chat/completions", true),
  COMPLETIONS("/v1/completions", true),
  EMBEDDINGS("/v1/embeddings", false);

  private final String path;
  private final boolean generates;

  Endpoint(String path, boolean generates) {
    this.path = path;
    this.generates = generates;
  }

  public String path() {
    return path;
  }

  /** Whether the endpoint generates tokens (and so can stream and takes max_tokens). */
  public boolean generates() {
    return generates;
  }

  public static Endpoint ofPath(String path) {
    for (Endpoint endpoint : values()) {
      if (endpoint.path.equals(path)) {
        return endpoint;
      }
    }
    return null;
  }
}
