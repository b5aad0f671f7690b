package io.tollgate.loadtest.peers;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.Map;

/**
 * The floor proxy's front on Vert.x's HTTP server, as the gateway's data plane runs it (one verticle per event
 * loop, strict thread mode, no compression), with the same upstream connections as the Netty floor: the
 * difference between the two floors is what Vert.x's server costs a request.
 */
final class FloorVertxFront extends VerticleBase {

  private final String host;
  private final int port;
  private final FloorUpstreams upstreams;
  private EventLoop loop;
  private io.vertx.core.http.HttpServer server;

  FloorVertxFront(String host, int port, FloorUpstreams upstreams) {
    this.host = host;
    this.port = port;
    this.upstreams = upstreams;
  }

  @Override
  public Future<?> start() {
    loop = ((ContextInternal) context).nettyEventLoop();
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setTcpNoDelay(true)
        .setStrictThreadMode(true)
        .setCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false))
        .requestHandler(this::handle);
    return server.listen();
  }

  int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      ByteBuf content = ((BufferInternal) body).getByteBuf();
      DefaultFullHttpRequest upstreamRequest = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
          HttpMethod.valueOf(request.method().name()), request.uri(), content);
      for (Map.Entry<String, String> header : request.headers()) {
        upstreamRequest.headers().add(header.getKey(), header.getValue());
      }
      upstreamRequest.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
      HttpUtil.setContentLength(upstreamRequest, content.readableBytes());
      HttpServerResponse response = request.response();
      upstreams.forward(loop, upstreamRequest, connection -> {
        if (connection == null) {
          response.setStatusCode(502).end();
          return null;
        }
        if (response.closed()) {
          return null;
        }
        return new ToClient(response, connection);
      });
    });
  }

  /** The answer written through Vert.x's response: a read batch's pieces copied into one buffer, one write. */
  private final class ToClient implements FloorSink {
    private final HttpServerResponse response;
    private final Channel connection;
    private Buffer pending;
    private boolean over;

    ToClient(HttpServerResponse response, Channel connection) {
      this.response = response;
      this.connection = connection;
      response.closeHandler(v -> {
        if (!over) {
          over = true;
          connection.close(); // the client went away mid-answer: stop the backend
        }
      });
    }

    @Override
    public void head(HttpResponse head) {
      response.setStatusCode(head.status().code());
      for (Map.Entry<String, String> header : head.headers()) {
        response.headers().add(header.getKey(), header.getValue());
      }
      response.headers().remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.TRANSFER_ENCODING);
      if (HttpUtil.isTransferEncodingChunked(head)) {
        response.setChunked(true);
      }
    }

    @Override
    public void piece(HttpContent piece) {
      append(piece);
    }

    @Override
    public void last(LastHttpContent last, boolean reusable) {
      append(last);
      over = true;
      Buffer tail = pending;
      pending = null;
      if (!response.ended() && !response.closed()) {
        if (tail != null) {
          response.end(tail);
        } else {
          response.end();
        }
      }
      upstreams.done(connection, reusable);
    }

    @Override
    public void flush() {
      if (pending != null && !response.closed()) {
        response.write(pending);
      }
      pending = null;
    }

    @Override
    public boolean full(Runnable resume) {
      if (!response.writeQueueFull()) {
        return false;
      }
      response.drainHandler(v -> resume.run());
      return true;
    }

    @Override
    public void cut() {
      over = true;
      response.reset();
    }

    /** A heap copy, as the gateway's upstream connections make: Netty's pooled buffer goes back at once. */
    private void append(HttpContent piece) {
      try {
        ByteBuf bytes = piece.content();
        if (!bytes.isReadable()) {
          return;
        }
        if (pending == null) {
          pending = Buffer.buffer(bytes.readableBytes());
        }
        pending.appendBuffer(BufferInternal.buffer(bytes)); // copies; the wrapper is not kept
      } finally {
        piece.release();
      }
    }
  }
}
