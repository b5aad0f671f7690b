package io.tollgate.loadtest.peers;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/** Where the floor proxy's upstream side hands an answer: a client connection, on Netty or on Vert.x's server. */
interface FloorSink {

  /** The answer's status and headers. */
  void head(HttpResponse head);

  /** A piece of the body; the sink takes ownership (releases it). */
  void piece(HttpContent piece);

  /**
   * The body's last piece (possibly empty); the sink takes ownership. {@code reusable}: the upstream connection
   * may serve again.
   */
  void last(LastHttpContent last, boolean reusable);

  /** The upstream's read batch is over: write out what came in it. */
  void flush();

  /** The client cannot take more now; the sink resumes the upstream (via {@code resume}) when it can. */
  boolean full(Runnable resume);

  /** The upstream went away mid-answer: the client must not take what it got for all of it. */
  void cut();
}
