package io.tollgate.frontdoor;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's request decoder, except that a request carrying both {@code Transfer-Encoding: chunked}
 * and {@code Content-Length} is marked invalid instead of having its Content-Length dropped.
 *
 * <p>Netty's default (framing by Transfer-Encoding alone) is what RFC 9112 §6.3 allows, but only if
 * the connection is then closed; Netty removes the Content-Length header, so nothing after the
 * decoder can tell such a request from an honest chunked one. A front proxy that frames by the
 * Content-Length would see the bytes after it as a second, smuggled request. Netty documents this
 * method as the place to refuse instead; the invalid request goes to the server's invalid-request
 * handler, which answers 400 and closes.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    super.handleTransferEncodingChunkedWithContentLength(message);
    message.setDecoderResult(DecoderResult.failure(new AmbiguousFraming(
        "the request has both Content-Length and Transfer-Encoding")));
  }

  /** The request's length cannot be told unambiguously. */
  static final class AmbiguousFraming extends IllegalArgumentException {
    AmbiguousFraming(String message) {
      super(message);
    }
  }
}
