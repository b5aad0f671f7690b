package io.tollgate.loadtest.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every byte the stub answers a chat completion with, encoded once per shape (model, stream, max tokens, usage
 * chunk, prompt length) and then written as duplicates of read-only direct buffers: a request costs the stub a
 * JSON scan of its body and one socket write per event, nothing else.
 *
 * <p>The shapes are vLLM's OpenAI server's ({@code serving_chat.py}; see {@code shared/vllm-wire.md}). The id and
 * {@code created} are the same on every answer of this process (vLLM makes a new id per request; its length is the
 * same here, so the bytes on the wire are as many).
 */
final class StubResponses {

  /** One token's text; every token is the same word. */
  static final String TOKEN = " tok";

  private static final int CACHE_LIMIT = 4096;

  /** A non-streamed answer: one buffer, headers and body. */
  record Full(ByteBuf bytes) {
    ByteBuf write() {
      return bytes.duplicate();
    }
  }

  /**
   * A streamed answer, one HTTP chunk per SSE event: the headers with the role chunk, then {@code tokens} token
   * chunks (all alike but the last, which has {@code finish_reason}), the usage chunk (or null), and {@code [DONE]}
   * with the chunked body's end.
   */
  record Stream(ByteBuf headAndRole, ByteBuf token, ByteBuf lastToken, ByteBuf usage, ByteBuf doneAndEnd,
                int tokens) {
  }

  private record Key(String model, boolean stream, int maxTokens, boolean includeUsage, int promptTokens) {
  }

  private final String id;
  private final long created;
  private final Map<Key, Object> cache = new ConcurrentHashMap<>();

  StubResponses(String id, long created) {
    this.id = id;
    this.created = created;
  }

  Full full(ChatRequest request) {
    return (Full) cached(request);
  }

  Stream stream(ChatRequest request) {
    return (Stream) cached(request);
  }

  private Object cached(ChatRequest r) {
    Key key = new Key(r.model(), r.stream(), r.maxTokens(), r.includeUsage(), r.promptTokens());
    Object answer = cache.get(key);
    if (answer == null) {
      answer = r.stream() ? buildStream(r) : buildFull(r);
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear(); // the buffers are heap-managed direct ByteBuffers: the GC frees what nobody writes any more
      }
      cache.put(key, answer);
    }
    return answer;
  }

  private Full buildFull(ChatRequest r) {
    StringBuilder content = new StringBuilder(r.maxTokens() * TOKEN.length());
    for (int i = 0; i < r.maxTokens(); i++) {
      content.append(TOKEN);
    }
    String body = "{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":" + created + ",\"model\":"
        + quote(r.model()) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"reasoning_content\":null,"
        + "\"content\":\"" + content + "\",\"tool_calls\":[]},\"logprobs\":null,\"finish_reason\":\"length\","
        + "\"stop_reason\":null}],\"usage\":" + usage(r) + ",\"prompt_logprobs\":null}";
    return new Full(frozen(head("application/json", body.getBytes(StandardCharsets.UTF_8).length) + body));
  }

  private Stream buildStream(ChatRequest r) {
    String prefix = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
        + ",\"model\":" + quote(r.model()) + ",\"choices\":";
    String role = event(prefix + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
        + "\"finish_reason\":null}]}");
    String token = event(prefix + "[{\"index\":0,\"delta\":{\"content\":\"" + TOKEN + "\"},\"logprobs\":null,"
        + "\"finish_reason\":null}]}");
    String last = event(prefix + "[{\"index\":0,\"delta\":{\"content\":\"" + TOKEN + "\"},\"logprobs\":null,"
        + "\"finish_reason\":\"length\",\"stop_reason\":null}]}");
    String usage = r.includeUsage() ? event(prefix + "[],\"usage\":" + usage(r) + "}") : null;
    String head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ntransfer-encoding: chunked\r\n"
        + "server: tollgate-peers-stub\r\n\r\n";
    return new Stream(frozen(head + chunk(role)), frozen(chunk(token)), frozen(chunk(last)),
        usage == null ? null : frozen(chunk(usage)),
        frozen(chunk("data: [DONE]\n\n") + "0\r\n\r\n"), r.maxTokens());
  }

  private static String usage(ChatRequest r) {
    return "{\"prompt_tokens\":" + r.promptTokens() + ",\"total_tokens\":" + (r.promptTokens() + r.maxTokens())
        + ",\"completion_tokens\":" + r.maxTokens() + "}";
  }

  /** An answer that is not a completion: status, JSON or text body, and whether to keep the connection. */
  static ByteBuf simple(int status, String reason, String contentType, String body, boolean close) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason + "\r\ncontent-type: " + contentType + "\r\ncontent-length: "
        + bytes.length + "\r\nserver: tollgate-peers-stub\r\n" + (close ? "connection: close\r\n" : "") + "\r\n";
    return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), bytes);
  }

  /** vLLM's error shape (new style), with status = code. */
  static String error(String message, String type, String param, int code) {
    return "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"" + type + "\",\"param\":"
        + (param == null ? "null" : quote(param)) + ",\"code\":" + code + "}}";
  }

  private static String head(String contentType, int length) {
    return "HTTP/1.1 200 OK\r\ncontent-type: " + contentType + "\r\ncontent-length: " + length
        + "\r\nserver: tollgate-peers-stub\r\n\r\n";
  }

  private static String event(String json) {
    return "data: " + json + "\n\n";
  }

  private static String chunk(String data) {
    return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
  }

  /** A read-only direct buffer that writes may duplicate without limit (release is a no-op). */
  private static ByteBuf frozen(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
