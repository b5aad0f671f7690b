package io.tollgate.frontdoor;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every public port enforces before a request reaches the service, shared by the gateway, the
 * control plane and the analytics service (docs/adr/0007-front-door.md):
 * <ul>
 *   <li>HTTP/1.1 with a bounded request line (414) and headers (431), and HTTP/2 as its {@link Http2Policy}
 *       allows, with bounded header lists (431), streams per connection and resets (rapid reset);</li>
 *   <li>ambiguous framing (Content-Length with Transfer-Encoding, or a Transfer-Encoding other than
 *       {@code chunked}) refused with 400 and the connection closed, so no request hidden behind a
 *       body is ever answered;</li>
 *   <li>header, body and idle deadlines on every connection ({@link ConnectionDeadlines}; on HTTP/2,
 *       {@link Http2Deadlines}: per connection for headers and idleness, per stream for bodies);</li>
 *   <li>a cap on open connections.</li>
 * </ul>
 * Every refusal is in the service's own error shape and closes the connection (on HTTP/2, a refusal
 * of one stream ends that stream; ADR 21). One instance serves
 * every event loop of a port (its connection count is the port's).
 */
public final class FrontDoor {

  private static final String DECODER = "httpDecoder";
  private static final String VERTX_HANDLER = "handler";
  /** Vert.x's idle handler, there only until the connection handler runs (see createServer). */
  private static final String VERTX_IDLE = "idle";
  /** Vert.x's h2c upgrade handler: present while a plain port's first HTTP/1.1 request is dispatched. */
  private static final String VERTX_H2C_UPGRADE = "h2c";

  private final FrontDoorSettings settings;
  private final ErrorBody errors;
  private final AtomicInteger open = new AtomicInteger();
  private final FrontDoorMetrics metrics;
  private final Map<EventExecutor, DeadlineSweep> sweeps = new ConcurrentHashMap<>();
  private final long sweepPeriodNanos;
  /** Null: plain HTTP. */
  private final ServerTls tls;
  private final Http2Policy http2;

  public FrontDoor(FrontDoorSettings settings, ErrorBody errors, MeterRegistry registry) {
    this(settings, errors, registry, null);
  }

  /**
   * @param tls HTTPS on this port (its files watched for rotation once a server listens), or null for plain HTTP
   */
  public FrontDoor(FrontDoorSettings settings, ErrorBody errors, MeterRegistry registry, ServerTls tls) {
    this(settings, errors, registry, tls, Http2Policy.defaults());
  }

  /**
   * @param tls   HTTPS on this port, or null for plain HTTP
   * @param http2 whether (and with which limits) the port speaks HTTP/2
   */
  public FrontDoor(FrontDoorSettings settings, ErrorBody errors, MeterRegistry registry, ServerTls tls,
                   Http2Policy http2) {
    this.tls = tls != null && tls.enabled() ? tls : null;
    this.http2 = http2;
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

  public Http2Policy http2() {
    return http2;
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
    boolean h2 = tls != null ? http2.overTls() : http2.clearText();
    HttpServerOptions guarded = new HttpServerOptions(tls == null ? options : tls.apply(options, http2.overTls()))
        .setMaxInitialLineLength(settings.maxRequestLineBytes())
        .setMaxHeaderSize(settings.maxHeaderBytes())
        // Clear-text HTTP/2 only when asked for: Vert.x then reads a plain connection's first
        // request before the connection handler can install the front door (ADR 21).
        .setHttp2ClearTextEnabled(tls == null && http2.clearText())
        .setInitialSettings(new Http2Settings(options.getInitialSettings())
            .setMaxConcurrentStreams(http2.maxConcurrentStreams())
            // A larger header list is answered 431 by Netty (far larger: GOAWAY), as HTTP/1.1's headers are.
            .setMaxHeaderListSize(settings.maxHeaderBytes()))
        .setHttp2RstFloodMaxRstFramePerWindow(http2.maxResetsPerWindow())
        .setHttp2RstFloodWindowDuration(http2.resetWindowSeconds())
        .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS)
        // The deadlines here replace Vert.x's idle timeout, which would also cut a long response. Until
        // the connection handler runs (HTTP/2: after the client's SETTINGS; h2c on: at the first
        // request), Vert.x's idle handler holds a silent connection to the header deadline; the
        // connection handler then removes it.
        .setIdleTimeout(h2 ? (int) Math.min(Integer.MAX_VALUE, settings.headerTimeoutMs()) : 0)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
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
   * The response says so ({@code Connection: close}). On HTTP/2 only the request's stream ends: a
   * body still arriving is refused with RST_STREAM(NO_ERROR) once the answer is out.
   */
  public static void closeAfterResponse(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      // One stream of many: the connection stays. A body still arriving is refused with
      // RST_STREAM(NO_ERROR) once the answer is out (RFC 9113 §8.1); Connection is not an HTTP/2 header.
      request.response().endHandler(v -> {
        if (!request.isEnded()) {
          request.response().reset(Http2Error.NO_ERROR.code());
        }
      });
      return;
    }
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    ConnectionDeadlines connection = deadlinesOf(request);
    if (connection != null) {
      connection.closeAfterResponse();
    } else {
      request.response().endHandler(v -> request.connection().close());
    }
  }

  /**
   * The request's Content-Encoding when it is one a service that reads only plain bodies must refuse
   * (415, before reading the body: gzip read as JSON would be refused as "not valid JSON", which misleads),
   * else null. The gateway's API inflates gzip and deflate itself; its admin and the control plane do not.
   */
  public static String compressedBody(HttpServerRequest request) {
    String coding = request.getHeader(io.vertx.core.http.HttpHeaders.CONTENT_ENCODING);
    return coding == null || coding.isBlank() || coding.trim().equalsIgnoreCase("identity") ? null : coding.trim();
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
    if (request.version() == HttpVersion.HTTP_2) {
      Http2Deadlines streams = request.connection() instanceof ConnectionBase base
          ? base.channel().attr(Http2Deadlines.KEY).get() : null;
      return streams != null && streams.timedOut(request.streamId());
    }
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
    if (pipeline.get(VERTX_IDLE) != null) {
      pipeline.remove(VERTX_IDLE);
    }
    DeadlineSweep sweep = sweeps.computeIfAbsent(channel.eventLoop(), loop -> new DeadlineSweep(loop, sweepPeriodNanos));
    if (pipeline.get(VERTX_HANDLER) instanceof Http2ConnectionHandler h2) {
      new Http2Deadlines(settings, sweep, metrics, errors, h2, pipeline.context(h2),
          connection instanceof Http2FrameListener streams ? streams : null).start();
      return;
    }
    if (pipeline.get(DECODER) == null || pipeline.get(VERTX_HANDLER) == null) {
      // Not an HTTP/1.x pipeline as Vert.x builds it: refuse rather than serve it unguarded.
      metrics.closed(CloseReason.MALFORMED);
      connection.close();
      return;
    }
    Runnable strictDecoder = () -> pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(decoderOptions));
    // With h2c on, Vert.x calls this at the first request, whose head its own decoder has read and
    // whose body it is still reading: the strict decoder takes over once that request is whole.
    boolean firstRequestRead = pipeline.get(VERTX_H2C_UPGRADE) != null;
    if (!firstRequestRead) {
      strictDecoder.run();
    }
    pipeline.addBefore(VERTX_HANDLER, "frontDoorScreen", new RequestScreen(settings, metrics, errors));
    pipeline.addBefore(VERTX_HANDLER, "frontDoorDeadlines",
        new ConnectionDeadlines(settings, sweep, metrics, errors, firstRequestRead ? strictDecoder : null));
  }
}
