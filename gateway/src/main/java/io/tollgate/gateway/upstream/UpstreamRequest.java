package io.tollgate.gateway.upstream;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * What to send to a backend: where, the head, and a body that is either whole ({@code body}) or a
 * prefix followed by the rest of the client's upload, streamed ({@code uploadRest}, sent once).
 *
 * @param headers      the head the gateway builds; {@code Host} and {@code Content-Length} are set by
 *                     whichever client sends it, for its backend and body, whatever these say
 * @param uploadLength the streamed body's length in bytes, or -1 to send it chunked
 */
public record UpstreamRequest(String method, String host, int port, boolean ssl, String uri, long connectTimeoutMs,
                              HttpHeaders headers, Buffer body, ReadStream<Buffer> uploadRest, long uploadLength) {

  /** Headers for a request: the gateway sets them itself, so Netty's per-header validation is skipped. */
  public static HttpHeaders newHeaders() {
    return DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
  }

  /** Whether the body streams from the client (an upload): it can be sent once only. */
  public boolean streamsUpload() {
    return uploadRest != null;
  }
}
