package io.tollgate.frontdoor;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;
import io.netty.util.ReferenceCountUtil;

import java.util.List;

/**
 * Looks at each decoded request before Vert.x does and refuses, with the connection closed, what
 * the service must never see: a request line over the limit (414), headers over the limit (431),
 * ambiguous framing or anything the decoder could not parse (400). Once it refuses, everything
 * else the client sent on that connection is dropped unread, so a request hidden behind a body is
 * never answered.
 */
final class RequestScreen extends ChannelInboundHandlerAdapter {

  private final FrontDoorSettings settings;
  private final FrontDoorMetrics metrics;
  private final ErrorBody errors;
  private boolean refused;

  RequestScreen(FrontDoorSettings settings, FrontDoorMetrics metrics, ErrorBody errors) {
    this.settings = settings;
    this.metrics = metrics;
    this.errors = errors;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpObject object && object.decoderResult().isFailure() && !(msg instanceof HttpRequest)) {
      // The body's framing broke mid-way (a bad chunk size): a response may have begun, so just cut.
      ReferenceCountUtil.release(msg);
      refused = true;
      metrics.closed(CloseReason.MALFORMED);
      ctx.close();
      return;
    }
    if (msg instanceof HttpRequest request) {
      String problem = problem(request);
      if (problem != null) {
        ReferenceCountUtil.release(msg);
        refused = true;
        CloseReason reason = reason(request.decoderResult());
        metrics.closed(reason);
        // The client may still be sending the oversized or malformed head: it reads the refusal.
        Refusal.send(ctx, status(reason), errors.render(status(reason), code(reason), problem), true);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private String problem(HttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      if (cause instanceof TooLongHttpLineException) {
        return "The request line is longer than " + settings.maxRequestLineBytes() + " bytes.";
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return "The request headers are larger than " + settings.maxHeaderBytes() + " bytes.";
      }
      if (cause instanceof StrictRequestDecoder.AmbiguousFraming || cause instanceof ContentLengthNotAllowedException) {
        return "The request has both Content-Length and Transfer-Encoding.";
      }
      if (cause instanceof TransferEncodingNotAllowedException || refusedTransferCoding(cause)) {
        return "Transfer-Encoding must be exactly 'chunked'.";
      }
      return "The request is not valid HTTP/1.1" + (cause == null || cause.getMessage() == null ? "."
          : ": " + cause.getMessage());
    }
    return ambiguousFraming(request.headers());
  }

  /**
   * Why the framing is ambiguous, or null. The decoder refuses chunked beside a Content-Length;
   * this refuses the rest it would frame by Content-Length or as empty: any Transfer-Encoding
   * other than a single {@code chunked}, and any Transfer-Encoding beside a Content-Length.
   */
  static String ambiguousFraming(HttpHeaders headers) {
    if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      return null;
    }
    if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return "The request has both Content-Length and Transfer-Encoding.";
    }
    List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (codings.size() != 1 || !"chunked".equalsIgnoreCase(codings.get(0).trim())) {
      return "Transfer-Encoding must be exactly 'chunked'.";
    }
    return null;
  }

  private static CloseReason reason(DecoderResult result) {
    if (result.isSuccess() || ambiguous(result.cause())) {
      return CloseReason.AMBIGUOUS_FRAMING;
    }
    if (result.cause() instanceof TooLongHttpLineException) {
      return CloseReason.REQUEST_LINE_TOO_LONG;
    }
    if (result.cause() instanceof TooLongHttpHeaderException) {
      return CloseReason.HEADERS_TOO_LARGE;
    }
    return CloseReason.MALFORMED;
  }

  /**
   * The decoder's own refusals of a length it cannot tell: ours (chunked beside a Content-Length),
   * and since Netty 4.2.10 its RFC 9112 checks (a Transfer-Encoding other than chunked, or one
   * beside a Content-Length), which reach here before the headers are looked at.
   */
  private static boolean ambiguous(Throwable cause) {
    return cause instanceof StrictRequestDecoder.AmbiguousFraming || cause instanceof ContentLengthNotAllowedException
        || cause instanceof TransferEncodingNotAllowedException || refusedTransferCoding(cause);
  }

  /**
   * Netty 4.2.10+ refuses a Transfer-Encoding whose last coding is not chunked, or that applies
   * chunked twice, with a plain IllegalArgumentException ("The final transfer coding must be
   * chunked", "chunked transfer coding must not be applied more than once"): the requests
   * {@link #ambiguousFraming} refused before the decoder did. FrontDoorTest counts them.
   */
  private static boolean refusedTransferCoding(Throwable cause) {
    return cause instanceof IllegalArgumentException && cause.getMessage() != null
        && cause.getMessage().toLowerCase(java.util.Locale.ROOT).contains("transfer coding");
  }

  private static int status(CloseReason reason) {
    return switch (reason) {
      case REQUEST_LINE_TOO_LONG -> 414;
      case HEADERS_TOO_LARGE -> 431;
      default -> 400;
    };
  }

  private static String code(CloseReason reason) {
    return switch (reason) {
      case REQUEST_LINE_TOO_LONG -> "request_line_too_long";
      case HEADERS_TOO_LARGE -> "headers_too_large";
      default -> "invalid_request";
    };
  }
}
