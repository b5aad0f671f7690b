package io.tollgate.loadtest.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * One connection of the stub. Netty's {@code HttpRequestDecoder} parses requests; answers are written as raw bytes
 * (no encoder): pre-encoded buffers from {@link StubResponses}, one write and flush per SSE event, as vLLM flushes
 * per token. Requests on a connection are answered in order (a whole answer is written before the next request is
 * read), so pipelining works too.
 */
final class StubHandler extends ChannelInboundHandlerAdapter {

  static final int MAX_BODY_BYTES = 1 << 20;
  private static final ByteBuf CONTINUE = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

  private final UpstreamStub.Shared shared;
  private HttpRequest request;
  private byte[] body = new byte[1024];
  private int bodyLength;
  private boolean tooLarge;

  StubHandler(UpstreamStub.Shared shared) {
    this.shared = shared;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest r) {
        if (r.decoderResult().isFailure()) {
          ctx.writeAndFlush(StubResponses.simple(400, "Bad Request", "application/json",
              StubResponses.error("Malformed HTTP request.", "BadRequestError", null, 400), true))
              .addListener(ChannelFutureListener.CLOSE);
          request = null;
          return;
        }
        request = r;
        bodyLength = 0;
        tooLarge = false;
        if (HttpUtil.is100ContinueExpected(r)) {
          ctx.writeAndFlush(CONTINUE.duplicate());
        }
      }
      if (msg instanceof HttpContent content && request != null) {
        append(content.content());
        if (msg instanceof LastHttpContent) {
          HttpRequest r = request;
          request = null;
          answer(ctx, r);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void append(ByteBuf chunk) {
    int n = chunk.readableBytes();
    if (n == 0 || tooLarge) {
      return;
    }
    if (bodyLength + n > MAX_BODY_BYTES) {
      tooLarge = true;
      return;
    }
    if (bodyLength + n > body.length) {
      byte[] bigger = new byte[Math.max(body.length * 2, bodyLength + n)];
      System.arraycopy(body, 0, bigger, 0, bodyLength);
      body = bigger;
    }
    chunk.getBytes(chunk.readerIndex(), body, bodyLength, n);
    bodyLength += n;
  }

  private void answer(ChannelHandlerContext ctx, HttpRequest r) {
    boolean keepAlive = HttpUtil.isKeepAlive(r);
    String uri = r.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    HttpMethod method = r.method();
    if (method == HttpMethod.POST && path.equals("/v1/chat/completions")) {
      if (tooLarge) {
        simple(ctx, 413, "Payload Too Large", StubResponses.error("The request body is over " + MAX_BODY_BYTES
            + " bytes.", "BadRequestError", null, 413), false);
        return;
      }
      chat(ctx, keepAlive);
    } else if (method == HttpMethod.GET && path.equals("/health")) {
      finish(ctx, 200, "OK", "application/json", "", keepAlive);
    } else if (method == HttpMethod.GET && path.equals("/metrics")) {
      finish(ctx, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", shared.metricsPage(), keepAlive);
    } else if (method == HttpMethod.GET && path.equals("/v1/models")) {
      finish(ctx, 200, "OK", "application/json", shared.modelsPage(), keepAlive);
    } else {
      simple(ctx, 404, "Not Found", "{\"detail\":\"Not Found\"}", keepAlive);
    }
  }

  private void chat(ChannelHandlerContext ctx, boolean keepAlive) {
    ChatRequest chat;
    try {
      chat = ChatRequest.parse(body, bodyLength, shared.defaultMaxTokens);
    } catch (ChatRequest.Invalid e) {
      simple(ctx, 400, "Bad Request", StubResponses.error(e.getMessage(), "BadRequestError", e.param, 400), keepAlive);
      return;
    }
    shared.started(chat);
    if (!chat.stream()) {
      finishRequest(ctx, ctx.writeAndFlush(shared.responses.full(chat).write()), keepAlive);
      return;
    }
    StubResponses.Stream s = shared.responses.stream(chat);
    int unflushed = event(ctx, s.headAndRole(), 0);
    for (int i = 1; i < s.tokens(); i++) {
      unflushed = event(ctx, s.token(), unflushed);
    }
    unflushed = event(ctx, s.lastToken(), unflushed);
    if (s.usage() != null) {
      event(ctx, s.usage(), unflushed);
    }
    finishRequest(ctx, ctx.writeAndFlush(s.doneAndEnd().duplicate()), keepAlive);
  }

  /** Writes one event; flushes every {@code flushEvery} events (1, the default: each event, as vLLM does). */
  private int event(ChannelHandlerContext ctx, ByteBuf event, int unflushed) {
    ctx.write(event.duplicate(), ctx.voidPromise());
    if (++unflushed >= shared.flushEvery) {
      ctx.flush();
      return 0;
    }
    return unflushed;
  }

  private void finishRequest(ChannelHandlerContext ctx, ChannelFuture last, boolean keepAlive) {
    last.addListener(shared.finished);
    if (!keepAlive) {
      last.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static void simple(ChannelHandlerContext ctx, int status, String reason, String json, boolean keepAlive) {
    finish(ctx, status, reason, "application/json", json, keepAlive);
  }

  private static void finish(ChannelHandlerContext ctx, int status, String reason, String contentType, String body,
                             boolean keepAlive) {
    ByteBuf answer = StubResponses.simple(status, reason, contentType, body, !keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(answer, ctx.voidPromise());
    } else {
      ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a peer that reset the connection; nothing to report
  }
}
