package io.tollgate.gateway.upstream;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.tollgate.gateway.request.PrefixedStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.Map;

/**
 * A call through Vert.x's HTTP client: for https backends (its TLS, with the backend CA and host
 * name checks of {@code tls.backendCaFile}) and for uploads, whose body streams from the client's
 * socket to the backend's with back-pressure.
 */
final class VertxCall implements UpstreamCall {

  private final Promise<UpstreamCall> head = Promise.promise();
  private HttpClientRequest request;
  private HttpClientResponse response;
  private boolean reset;
  private boolean uploadStarted;
  private Throwable uploadFailure;

  private VertxCall() {
  }

  static VertxCall send(HttpClient client, UpstreamRequest upstream) {
    VertxCall call = new VertxCall();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(upstream.method()))
        .setHost(upstream.host())
        .setPort(upstream.port())
        .setSsl(upstream.ssl())
        .setURI(upstream.uri())
        .setConnectTimeout(upstream.connectTimeoutMs());
    for (Map.Entry<CharSequence, CharSequence> header : (Iterable<Map.Entry<CharSequence, CharSequence>>)
        upstream.headers()::iteratorCharSequence) {
      // Host and length are the sending client's to set for this backend and body, never the request's.
      if (!HttpHeaderNames.HOST.contentEqualsIgnoreCase(header.getKey())
          && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(header.getKey())) {
        options.putHeader(header.getKey(), header.getValue());
      }
    }
    client.request(options)
        .compose(sending -> {
          call.request = sending;
          if (call.reset) {
            sending.reset();
            return Future.failedFuture("the call to the backend was reset");
          }
          if (!upstream.streamsUpload()) {
            return sending.send(upstream.body());
          }
          call.uploadStarted = true;
          if (upstream.uploadLength() >= 0) {
            sending.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(upstream.uploadLength()));
          } else {
            sending.setChunked(true);
          }
          // Not send(stream): a pipe whose source fails would end the request, and the backend would
          // answer a truncated upload. Past the limit (or the client gone), the request is reset.
          new PrefixedStream(upstream.body(), upstream.uploadRest()).pipe().endOnFailure(false).to(sending)
              .onFailure(cause -> {
                call.uploadFailure = cause;
                sending.reset(0, cause);
              });
          return sending.response();
        })
        .onComplete(result -> {
          if (result.failed()) {
            call.head.tryFail(result.cause());
            return;
          }
          call.response = result.result();
          if (call.reset) {
            call.request.reset();
            call.head.tryFail("the call to the backend was reset");
          } else {
            call.head.tryComplete(call);
          }
        });
    return call;
  }

  @Override
  public Future<UpstreamCall> head() {
    return head.future();
  }

  @Override
  public int status() {
    return response.statusCode();
  }

  @Override
  public String header(CharSequence name) {
    return response.getHeader(name);
  }

  @Override
  public Future<Buffer> body() {
    return response.body();
  }

  @Override
  public UpstreamCall handler(Handler<Buffer> handler) {
    response.handler(handler);
    return this;
  }

  @Override
  public UpstreamCall endHandler(Handler<Void> handler) {
    response.endHandler(handler);
    return this;
  }

  @Override
  public UpstreamCall exceptionHandler(Handler<Throwable> handler) {
    response.exceptionHandler(handler);
    return this;
  }

  @Override
  public void pause() {
    response.pause();
  }

  @Override
  public void resume() {
    response.resume();
  }

  @Override
  public void reset() {
    reset = true;
    if (request != null) {
      request.reset();
    }
  }

  @Override
  public boolean uploadStarted() {
    return uploadStarted;
  }

  @Override
  public Throwable uploadFailure() {
    return uploadFailure;
  }
}
