package io.tollgate.frontdoor;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every public port enforces before a request reaches the service, shared by the gateway, the
 * control plane and the analytics service (docs/adr/0007-front-door.md):
 * <ul>
 *   <li>HTTP/1.1 only, with a bounded request line (414) and headers (431);</li>
 *   <li>ambiguous framing (Content-Length with Transfer-Encoding, or a Transfer-Encoding other than
 *       {@code chunked}) refused with 400 and the connection closed, so no request hidden behind a
 *       body is ever answered;</li>
 *   <li>header, body and idle deadlines on every connection ({@link ConnectionDeadlines});</li>
 *   <li>a cap on open connections.</li>
 * </ul>
 * Every refusal is in the service's own error shape and closes the connection. One instance serves
 * every event loop of a port (its connection count is the port's).
 */
public final class FrontDoor {

  private static final String DECODER = "httpDecoder";
  private static final String VERTX_HANDLER = "handler";

  private final FrontDoorSettings settings;
  private final ErrorBody errors;
  private final AtomicInteger open = new AtomicInteger();
  private final FrontDoorMetrics metrics;
  private final Map<EventExecutor, DeadlineSweep> sweeps = new ConcurrentHashMap<>();
  private final long sweepPeriodNanos;
  /** Null: plain HTTP. */
  private final ServerTls tls;

  public FrontDoor(FrontDoorSettings settings, ErrorBody errors, MeterRegistry registry) {
    this(settings, errors, registry, null);
  }

  /**
   * @param tls HTTPS on this port (its files watched for rotation once a server listens), or null for plain HTTP
   */
  public FrontDoor(FrontDoorSettings settings, ErrorBody errors, MeterRegistry registry, ServerTls tls) {
    this.tls = tls != null && tls.enabled() ? tls : null;
    this.settings = settings;
    this.errors = errors;
    this.metrics = new FrontDoorMetrics(registry, open, settings.maxConnections());
    this.sweepPeriodNanos = sweepPeriodMillis(settings) * 1_000_000;
  }

  /** A tenth of the shortest deadline, between 20 ms and 1 s: deadlines are accurate to that. */
  static long sweepPeriodMillis(FrontDoorSettings settings) {
    long shortest = Long.MAX_VALUE;
    for (long timeout : new long[] {settings.headerTimeoutMs(), settings.bodyTimeoutMs(), settings.idleTimeoutMs()}) {
      if (timeout > 0) {
        shortest = Math.min(shortest, timeout);
      }
    }
    return Math.max(20, Math.min(1_000, shortest / 10));
  }

  public FrontDoorSettings settings() {
    return settings;
  }

  /** Connections open now on the port(s) this front door guards. */
  public int openConnections() {
    return open.get();
  }

  /** Whether this port speaks HTTPS. */
  public boolean tls() {
    return tls != null;
  }

  /**
   * Creates a server with these protections around {@code app}; the caller listens, then hands the
   * server to {@link #listening} (for certificate rotation). The options' line and header limits,
   * HTTP/2, idle timeout and TLS are set here and override the caller's.
   */
  public HttpServer createServer(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> app) {
    HttpServerOptions guarded = new HttpServerOptions(tls == null ? options : tls.apply(options))
        .setMaxInitialLineLength(settings.maxRequestLineBytes())
        .setMaxHeaderSize(settings.maxHeaderBytes())
        // Clear-text HTTP/2 would bypass the HTTP/1.1 decoder and deadlines below; no client of these
        // APIs needs it (vLLM itself speaks HTTP/1.1 only).
        .setHttp2ClearTextEnabled(false)
        // The deadlines here replace Vert.x's idle timeout, which would also cut a long response.
        .setIdleTimeout(0);
    if (tls != null && settings.headerTimeoutMs() > 0) {
      // The header deadline starts once the handshake is done (the connection handler runs then);
      // a handshake never completed is held to the same deadline here, so a TLS slowloris is bounded too.
      guarded.setSslHandshakeTimeout(settings.headerTimeoutMs()).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    HttpServerOptions decoderOptions = new HttpServerOptions(guarded);
    return vertx.createHttpServer(guarded)
        .connectionHandler(connection -> connected(connection, decoderOptions))
        // The screen refuses invalid requests before Vert.x sees them; this is only a safety net.
        .invalidRequestHandler(request -> request.connection().close())
        .requestHandler(request -> {
          ConnectionDeadlines connection = deadlinesOf(request);
          // Vert.x hands over a request pipelined behind one whose answer closes the connection as
          // soon as that answer ends: it must not run (it could be hidden in an unread body).
          if (connection == null || !connection.closing()) {
            app.handle(request);
          }
        });
  }

  /** A server of this front door's listens: its certificate follows the files' rotations from now on. */
  public void listening(HttpServer server) {
    if (tls != null) {
      tls.watch(server);
    }
  }

  /**
   * Makes the response being written to this request the connection's last: nothing more is read
   * from it (an unread body, a pipelined request) and it closes once the response is out. For
   * services that answer before reading a body they will not read, e.g. a 401 from the headers.
   * The response says so ({@code Connection: close}).
   */
  public static void closeAfterResponse(HttpServerRequest request) {
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    ConnectionDeadlines connection = deadlinesOf(request);
    if (connection != null) {
      connection.closeAfterResponse();
    } else {
      request.response().endHandler(v -> request.connection().close());
    }
  }

  /** Whether the request says a body follows: chunked (the only coding let through) or a Content-Length above 0. */
  public static boolean declaresBody(HttpServerRequest request) {
    if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      return true;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    // A malformed length was refused already; anything but a plain 0 counts as a body.
    return length != null && !length.trim().equals("0");
  }

  /**
   * Whether the front door closed this request's connection because its body missed the body
   * deadline (it answered 408 itself), as opposed to the client going away.
   */
  public static boolean bodyTimedOut(HttpServerRequest request) {
    ConnectionDeadlines connection = deadlinesOf(request);
    return connection != null && connection.closedFor() == CloseReason.BODY_TIMEOUT;
  }

  private static ConnectionDeadlines deadlinesOf(HttpServerRequest request) {
    return request.connection() instanceof ConnectionBase base ? base.channel().attr(ConnectionDeadlines.KEY).get()
        : null;
  }

  private void connected(HttpConnection connection, HttpServerOptions decoderOptions) {
    Channel channel = ((ConnectionBase) connection).channel();
    int count = open.incrementAndGet();
    // On the channel, not the connection's single closeHandler slot, which the service may use.
    channel.closeFuture().addListener(closed -> open.decrementAndGet());
    if (count > settings.maxConnections()) {
      metrics.closed(CloseReason.CONNECTION_LIMIT);
      connection.close();
      return;
    }
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(DECODER) == null || pipeline.get(VERTX_HANDLER) == null) {
      // Not an HTTP/1.x pipeline as Vert.x builds it: refuse rather than serve it unguarded.
      metrics.closed(CloseReason.MALFORMED);
      connection.close();
      return;
    }
    pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(decoderOptions));
    DeadlineSweep sweep = sweeps.computeIfAbsent(channel.eventLoop(), loop -> new DeadlineSweep(loop, sweepPeriodNanos));
    pipeline.addBefore(VERTX_HANDLER, "frontDoorScreen", new RequestScreen(settings, metrics, errors));
    pipeline.addBefore(VERTX_HANDLER, "frontDoorDeadlines", new ConnectionDeadlines(settings, sweep, metrics, errors));
  }
}
