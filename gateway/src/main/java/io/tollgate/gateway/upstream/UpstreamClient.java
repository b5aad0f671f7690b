package io.tollgate.gateway.upstream;

import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.util.concurrent.TimeUnit;

/**
 * The gateway's client for its backends, one per event loop. Plain-HTTP backends (vLLM in the same
 * cluster, the common case and the hot path) are called on Netty connections this loop owns
 * ({@link ConnectionPool}); https backends and streamed uploads go through Vert.x's client, which
 * brings their TLS and body piping (docs/adr/0023-own-upstream-connections.md says why).
 *
 * <p>Created on, and used only from, the event loop of its verticle.
 */
public final class UpstreamClient {

  /** An idle connection is closed after this long (Vert.x's client's default keep-alive timeout). */
  public static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final EventLoop loop;
  private final ConnectionPool pool;
  private final HttpClient vertxClient;

  /**
   * @param options both clients' options: TLS trust, socket options (the receive buffer), head limits
   * @param maxPerBackend the connections one event loop may hold open to one backend (both clients)
   */
  public UpstreamClient(Vertx vertx, HttpClientOptions options, int maxPerBackend) {
    ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    VertxInternal internal = (VertxInternal) vertx;
    this.loop = context.nettyEventLoop();
    this.pool = new ConnectionPool(loop, internal.transport(), internal.nameResolver().nettyAddressResolverGroup(),
        options, maxPerBackend);
    this.vertxClient = vertx.createHttpClient(options,
        new PoolOptions().setHttp1MaxSize(maxPerBackend).setMaxWaitQueueSize(-1));
  }

  /** Sends the request; the call's {@link UpstreamCall#head} completes with the backend's answer. */
  public UpstreamCall send(UpstreamRequest request) {
    if (request.ssl() || request.streamsUpload()) {
      return VertxCall.send(vertxClient, request);
    }
    NettyCall call = new NettyCall(request);
    if (loop.inEventLoop()) {
      pool.send(call, request);
    } else {
      // The pool belongs to its loop; the pipeline brings requests back to it, this keeps it so if one did not.
      loop.execute(() -> pool.send(call, request));
    }
    return call;
  }

  /** Closes connections idle for longer than {@link #KEEP_ALIVE_NANOS}; called now and then by the loop. */
  public void expireIdle(long nowNanos) {
    pool.expireIdle(nowNanos, KEEP_ALIVE_NANOS);
  }

  public Future<Void> close() {
    pool.close();
    return vertxClient.close();
  }
}
