package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.outcome.Outcome;

/**
 * The HTTP boundary, as the pipeline sees it: how an ending is told to the client. Implemented
 * by the HTTP server package, which alone knows statuses and error shapes.
 */
public interface Responder {

  /** The status the client is (or was) sent for this ending: 200 once an answer has started. */
  int status(Exchange exchange, Outcome outcome);

  /** Writes the ending: an error, the last bytes of a stream, or nothing when already written. */
  void respond(Exchange exchange, Outcome outcome);
}
