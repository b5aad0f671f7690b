package io.tollgate.gateway.outcome;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * What a stage of the request path decided: go on to the next stage, or end the request: with the
 * backend's answer complete, refused for a reason, or because the client left.
 *
 * @param kind    which of these
 * @param refusal for {@link Kind#REFUSED}: why
 * @param tail    for {@link Kind#COMPLETED} streams: the last bytes, written after the request is
 *                settled (so that a client that sends its next request on {@code [DONE]} finds its
 *                concurrent-streams slot free); empty otherwise
 */
public record Outcome(Kind kind, Refusal refusal, Buffer tail) {

  public enum Kind { CONTINUE, COMPLETED, REFUSED, CLIENT_GONE }

  public static final Outcome CONTINUE = new Outcome(Kind.CONTINUE, null, null);
  /** The answer was written whole (a non-streamed response). */
  public static final Outcome COMPLETED = new Outcome(Kind.COMPLETED, null, null);
  public static final Outcome CLIENT_GONE = new Outcome(Kind.CLIENT_GONE, null, null);
  /** The outcome of a stage that always lets the request go on, without allocating. */
  public static final Future<Outcome> NEXT = Future.succeededFuture(CONTINUE);

  public static Outcome refused(Refusal refusal) {
    return new Outcome(Kind.REFUSED, refusal, null);
  }

  public static Future<Outcome> refuse(Refusal refusal) {
    return Future.succeededFuture(refused(refusal));
  }

  /** A stream whose last bytes wait for the settlement. */
  public static Outcome completedStream(Buffer tail) {
    return new Outcome(Kind.COMPLETED, null, tail);
  }

  public boolean proceeds() {
    return kind == Kind.CONTINUE;
  }
}
