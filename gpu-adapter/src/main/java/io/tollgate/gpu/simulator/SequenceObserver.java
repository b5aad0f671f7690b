package io.tollgate.gpu.simulator;

/**
 * What the engine needs from the HTTP side of a sequence: whether the client can take more output, and
 * where to put the output. All calls happen on the simulator's event loop.
 */
interface SequenceObserver {

  /** False when the client's write queue is full: the engine then parks the sequence. */
  boolean writable();

  /** Runs {@code resume} once the client can take more output again. */
  void onWritable(Runnable resume);

  /** A generated token; {@code last} when it is the sequence's final one (finish reason in the sequence). */
  void onToken(Sequence sequence, String text, boolean last);

  /** The end of a burst of tokens of one engine wake-up: a good moment to write them out together. */
  void flush();

  /** The engine failed the sequence on purpose ({@link SimulatorFaults#failAfterTokens()}). */
  void onFailure(Sequence sequence, ApiError error);
}
