package io.tollgate.frontdoor;

import io.vertx.core.buffer.Buffer;

/** Renders a front-door refusal in the service's own JSON error shape (OpenAI's, the control plane's…). */
@FunctionalInterface
public interface ErrorBody {

  /**
   * @param status  the HTTP status (400, 408, 414, 431)
   * @param code    a stable machine-readable code, such as {@code request_timeout}
   * @param message a sentence for a person
   */
  Buffer render(int status, String code, String message);
}
