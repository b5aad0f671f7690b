package io.tollgate.loadtest.client;

/** The two OpenAI-compatible streaming endpoints vLLM's bench drives. */
public enum Endpoint {
  CHAT("/v1/chat/completions"),
  COMPLETIONS("/v1/completions");

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }
}
