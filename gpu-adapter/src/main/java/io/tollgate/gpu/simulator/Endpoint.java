package io.tollgate.gpu.simulator;

/** The two generation APIs; they differ only in request fields and response shapes. */
enum Endpoint {
  CHAT("chatcmpl-"),
  COMPLETION("cmpl-");

  private final String idPrefix;

  Endpoint(String idPrefix) {
    this.idPrefix = idPrefix;
  }

  String idPrefix() {
    return idPrefix;
  }
}
