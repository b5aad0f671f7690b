package io.tollgate.gateway.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseForwarderTest {

  private static final String TOKEN_1 = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
      + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" Hello\"},\"finish_reason\":null}]}\n\n";
  private static final String TOKEN_2 = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},\"finish_reason\":\"length\"}]}\n\n";
  private static final String USAGE = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"total_tokens\":9,\"completion_tokens\":2}}\n\n";
  private static final String DONE = "data: [DONE]\n\n";
  private static final String STREAM = TOKEN_1 + TOKEN_2 + USAGE + DONE;

  @Test
  void textThatQuotesTheKeysIsStillText() {
    SseForwarder forwarder = new SseForwarder(true);
    String tricky = "data: {\"object\":\"text_completion\",\"choices\":[{\"index\":0,"
        + "\"text\":\"say \\\"choices\\\":[] or \\\"text\\\":\\\"\\\"\",\"finish_reason\":null}]}\n\n";
    String empty = "data: {\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"stop\"}]}\n\n";
    Buffer out = forwarder.process(Buffer.buffer(empty + tricky + USAGE + DONE));
    assertEquals(empty + tricky + DONE, out.toString(), "the usage chunk alone is stripped");
    assertEquals(2, forwarder.tokenChunks());
    assertEquals(1, forwarder.textChunks(), "an opening event with empty text is no token; quoted keys inside a text are text");
    assertEquals(2, forwarder.usage().getInteger("completion_tokens"));
  }

  @Test
  void theUsageChunkIsFoundWhateverTheBlanksAroundItsEmptyChoices() {
    SseForwarder forwarder = new SseForwarder(true);
    String spaced = "data: {\"id\":\"x\", \"choices\" : [ ], \"usage\": {\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n";
    String quoted = "data: {\"choices\":[{\"delta\":{\"content\":\"a \\\"choices\\\":[] b\"}}]}\n\n";
    Buffer out = forwarder.process(Buffer.buffer(TOKEN_1 + quoted + spaced + DONE));
    assertEquals(TOKEN_1 + quoted + DONE, out.toString(), "the spaced usage chunk is stripped, the text that quotes one is not");
    assertEquals(1, forwarder.usage().getInteger("completion_tokens"));
    assertEquals(3, forwarder.tokenChunks());
  }

  @Test
  void forwardsEverythingUnchangedWhenTheClientAskedForUsage() {
    SseForwarder forwarder = new SseForwarder(false);
    Buffer out = forwarder.process(Buffer.buffer(STREAM));
    assertEquals(STREAM, out.toString());
    assertEquals(3, forwarder.tokenChunks());
    assertEquals(2, forwarder.textChunks(), "the role-only opening chunk carries no token");
    assertTrue(forwarder.sawDone());
    assertEquals(7, forwarder.usage().getInteger("prompt_tokens"));
    assertEquals(2, forwarder.usage().getInteger("completion_tokens"));
  }

  @Test
  void stripsOnlyTheUsageChunkWhenTheClientDidNotAskForIt() {
    SseForwarder forwarder = new SseForwarder(true);
    Buffer out = forwarder.process(Buffer.buffer(STREAM));
    assertEquals(TOKEN_1 + TOKEN_2 + DONE, out.toString());
    assertEquals(2, forwarder.usage().getInteger("completion_tokens"));
  }

  @Test
  void reassemblesEventsSplitAcrossBuffersAtEveryByte() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int split = 1; split < bytes.length; split++) {
      for (boolean strip : new boolean[] {false, true}) {
        SseForwarder forwarder = new SseForwarder(strip);
        Buffer out = Buffer.buffer();
        out.appendBuffer(forwarder.process(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, 0, split))));
        out.appendBuffer(forwarder.process(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, split, bytes.length))));
        assertEquals(strip ? TOKEN_1 + TOKEN_2 + DONE : STREAM, out.toString(), "split at " + split);
        assertEquals(0, forwarder.pendingBytes());
        assertNotNull(forwarder.usage(), "usage read when split at " + split);
        assertTrue(forwarder.sawDone());
      }
    }
  }

  @Test
  void byteAtATime() {
    SseForwarder forwarder = new SseForwarder(true);
    Buffer out = Buffer.buffer();
    for (byte b : STREAM.getBytes(StandardCharsets.UTF_8)) {
      out.appendBuffer(forwarder.process(Buffer.buffer(new byte[] {b})));
    }
    assertEquals(TOKEN_1 + TOKEN_2 + DONE, out.toString());
  }

  @Test
  void holdsBackAnIncompleteEvent() {
    SseForwarder forwarder = new SseForwarder(false);
    Buffer out = forwarder.process(Buffer.buffer(TOKEN_2.substring(0, 30)));
    assertEquals(0, out.length());
    assertEquals(0, forwarder.tokenChunks());
    assertEquals(30, forwarder.pendingBytes());
  }

  @Test
  void acceptsCrLfLineEndingsAndSpacesInJson() {
    String event = "data: {\"choices\": [ ], \"usage\": {\"prompt_tokens\": 3, \"completion_tokens\": 4}}\r\n\r\n";
    SseForwarder forwarder = new SseForwarder(true);
    Buffer out = forwarder.process(Buffer.buffer(event + "data: [DONE]\r\n\r\n"));
    assertEquals("data: [DONE]\r\n\r\n", out.toString());
    assertEquals(4, forwarder.usage().getInteger("completion_tokens"));
  }

  @Test
  void recognisesAnUpstreamErrorEvent() {
    SseForwarder forwarder = new SseForwarder(true);
    String error = "data: {\"error\":{\"message\":\"boom\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}\n\n";
    Buffer out = forwarder.process(Buffer.buffer(TOKEN_2 + error + DONE));
    assertEquals(TOKEN_2 + error + DONE, out.toString());
    assertTrue(forwarder.sawErrorEvent());
    assertEquals("boom", forwarder.error().getString("message"));
  }

  @Test
  void continuousUsageChunksAreTokensNotTheFinalUsage() {
    String chunk = "data: {\"choices\":[{\"index\":0,\"text\":\" a\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n";
    SseForwarder forwarder = new SseForwarder(true);
    Buffer out = forwarder.process(Buffer.buffer(chunk));
    assertEquals(chunk, out.toString());
    assertEquals(1, forwarder.tokenChunks());
    assertNull(forwarder.usage());
    assertFalse(forwarder.sawDone());
  }

  /**
   * The scan reads a heap buffer's own array when the data starts at its index 0: bytes the array
   * holds past the data (an "[DONE]" a bigger buffer left there), a slice that starts inside an array,
   * and a direct buffer must all read as the data alone.
   */
  @Test
  void readsTheDataAloneWhateverBuffersItComesIn() {
    byte[] stream = (TOKEN_1 + TOKEN_2).getBytes(StandardCharsets.UTF_8);
    byte[] stale = (TOKEN_1 + TOKEN_2 + DONE + USAGE).getBytes(StandardCharsets.UTF_8);

    ByteBuf roomy = Unpooled.wrappedBuffer(stale).writerIndex(stream.length); // the same first bytes, then stale ones
    ByteBuf inside = Unpooled.wrappedBuffer(("junk\n\n" + TOKEN_1 + TOKEN_2).getBytes(StandardCharsets.UTF_8)).skipBytes(6).slice();
    ByteBuf direct = Unpooled.directBuffer(stream.length).writeBytes(stream);
    for (ByteBuf buffer : new ByteBuf[] {roomy, inside, direct}) {
      SseForwarder forwarder = new SseForwarder(true);
      Buffer out = forwarder.process(BufferInternal.buffer(buffer));
      assertEquals(TOKEN_1 + TOKEN_2, out.toString(), buffer.toString());
      assertFalse(forwarder.sawDone(), "nothing past the data is read: " + buffer);
      assertNull(forwarder.usage(), buffer.toString());
      assertEquals(3, forwarder.tokenChunks(), buffer.toString());
      assertEquals(0, forwarder.pendingBytes(), buffer.toString());
    }
    direct.release();
  }
}
