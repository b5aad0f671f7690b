package io.tollgate.gpu.simulator;

/**
 * The API families the simulator serves: each has its own request and response shapes, and its own
 * request and abort counters ({@link SimulatorStats#endpoints()}), so a test can see which family a client
 * abort reached.
 */
enum Endpoint {
  CHAT("chat", "chatcmpl-"),
  COMPLETION("completions", "cmpl-"),
  RESPONSES("responses", "resp_"),
  MESSAGES("messages", "chatcmpl-"),
  EMBEDDINGS("embeddings", "embd-"),
  RERANK("rerank", "rerank-"),
  SCORE("score", "score-"),
  TRANSCRIPTION("transcriptions", "transcribe-"),
  TRANSLATION("translations", "translate-");

  private final String label;
  private final String idPrefix;

  Endpoint(String label, String idPrefix) {
    this.label = label;
    this.idPrefix = idPrefix;
  }

  /** The family's name in {@code /sim/stats} and in the {@code endpoint} label of {@code /metrics}. */
  String label() {
    return label;
  }

  String idPrefix() {
    return idPrefix;
  }
}
