package io.tollgate.gateway.request;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.compression.JdkZlibDecoder;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a limit. A declared Content-Length over the limit is refused before
 * a byte is read; a chunked body is refused as soon as it passes the limit, so an oversized body
 * never sits in memory. The buffer grows with the bytes that actually arrive: a declared length is
 * a claim, and sizing memory from a claim lets a client that sends nothing reserve it.
 *
 * <p>A gzip or deflate body is inflated as it arrives, and the limit applies to the inflated
 * bytes: a small "zip bomb" is refused once it has inflated past the limit, never held whole.
 */
public final class BoundedBody {

  /** Most chat requests fit; a larger body grows the buffer as its bytes arrive. */
  private static final int INITIAL_CAPACITY = 16 * 1024;

  private BoundedBody() {
  }

  /**
   * Fails with {@link TooLarge} past the limit. The request may be paused (the pipeline pauses it
   * until the key is checked): reading resumes it.
   */
  public static Future<Buffer> read(HttpServerRequest request, long maxBytes) {
    return read(request, maxBytes, Coding.IDENTITY);
  }

  /** A request body's Content-Encoding, as far as the gateway reads it. */
  public enum Coding {
    IDENTITY, GZIP, DEFLATE;

    /** The coding of a Content-Encoding header, or null when it is one the gateway does not take. */
    public static Coding of(String header) {
      if (header == null || header.isBlank()) {
        return IDENTITY;
      }
      return switch (header.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "identity" -> IDENTITY;
        case "gzip", "x-gzip" -> GZIP;
        case "deflate" -> DEFLATE;
        default -> null;
      };
    }
  }

  /** Like {@link #read(HttpServerRequest, long)}, inflating a compressed body; the limit counts inflated bytes. */
  public static Future<Buffer> read(HttpServerRequest request, long maxBytes, Coding coding) {
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    long declaredLength = -1;
    if (declared != null) {
      try {
        declaredLength = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        return Future.failedFuture(new IllegalArgumentException("invalid Content-Length"));
      }
      if (declaredLength > maxBytes) {
        return Future.failedFuture(new TooLarge(maxBytes));
      }
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer(declaredLength < 0 ? 1024 : (int) Math.min(declaredLength, INITIAL_CAPACITY));
    Inflater inflater = coding == Coding.IDENTITY ? null : new Inflater(coding, maxBytes);
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      try {
        Buffer plain = inflater == null ? chunk : inflater.inflate(chunk);
        if (body.length() + plain.length() > maxBytes) {
          request.handler(null);
          promise.tryFail(new TooLarge(maxBytes));
        } else {
          body.appendBuffer(plain);
        }
      } catch (RuntimeException e) {
        request.handler(null);
        promise.tryFail(e);
      }
    });
    request.endHandler(v -> {
      if (inflater != null) {
        inflater.close();
      }
      promise.tryComplete(body);
    });
    request.exceptionHandler(e -> {
      if (inflater != null) {
        inflater.close();
      }
      promise.tryFail(e);
    });
    request.resume();
    return promise.future();
  }

  /**
   * Netty's zlib decoder (gzip, and deflate with or without its zlib wrapper, as clients send
   * both), its output per input chunk capped just past the limit: a chunk that inflates further is
   * refused without the rest being produced.
   */
  private static final class Inflater {
    private final EmbeddedChannel channel;
    private final long maxBytes;

    Inflater(Coding coding, long maxBytes) {
      this.maxBytes = maxBytes;
      int cap = (int) Math.min(Integer.MAX_VALUE - 1, maxBytes + 1);
      this.channel = new EmbeddedChannel(
          new JdkZlibDecoder(coding == Coding.GZIP ? ZlibWrapper.GZIP : ZlibWrapper.ZLIB_OR_NONE, cap));
    }

    Buffer inflate(Buffer compressed) {
      try {
        channel.writeInbound(Unpooled.wrappedBuffer(compressed.getBytes()));
      } catch (DecompressionException e) {
        close();
        if (String.valueOf(e.getMessage()).contains("maximum size")) {
          throw new TooLarge(maxBytes);
        }
        throw new IllegalArgumentException("the compressed body is corrupt: " + e.getMessage());
      }
      Buffer out = Buffer.buffer();
      for (ByteBuf part = channel.readInbound(); part != null; part = channel.readInbound()) {
        try {
          byte[] bytes = new byte[part.readableBytes()];
          part.readBytes(bytes);
          out.appendBytes(bytes);
        } finally {
          part.release();
        }
      }
      return out;
    }

    void close() {
      channel.finishAndReleaseAll();
    }
  }

  /** The body passed the limit. */
  public static final class TooLarge extends RuntimeException {
    private final long limit;

    public TooLarge(long limit) {
      super("request body over " + limit + " bytes", null, false, false);
      this.limit = limit;
    }

    public long limit() {
      return limit;
    }
  }
}
