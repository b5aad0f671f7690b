package io.tollgate.loadtest.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SseParserTest {

  /** Every line ending, a comment, a multi-line event, an empty data field and multi-byte UTF-8. */
  private static final String STREAM = ": keep-alive\n\n"
      + "data: {\"choices\":[{\"delta\":{\"content\":\"héllo ✓ 𝄞\"}}]}\n\n"
      + "data: first line\r\ndata: second line\r\n\r\n"
      + "data:no space\r\rdata\n\n"
      + "id: 7\nevent: message\ndata: [DONE]\n\n"
      + "data: trailing event without blank line is not dispatched";

  private static final List<String> EXPECTED = List.of(
      "{\"choices\":[{\"delta\":{\"content\":\"héllo ✓ 𝄞\"}}]}",
      "first line\nsecond line",
      "no space",
      "",
      "[DONE]");

  private static List<String> parse(byte[]... parts) {
    List<String> events = new ArrayList<>();
    SseParser parser = new SseParser((data, length) -> events.add(new String(data, 0, length, StandardCharsets.UTF_8)));
    for (byte[] part : parts) {
      parser.feed(part);
    }
    return events;
  }

  @Test
  void parsesAWholeStream() {
    assertEquals(EXPECTED, parse(STREAM.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void sameEventsWhereverTheStreamIsSplitInTwo() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int split = 0; split <= bytes.length; split++) {
      byte[] head = java.util.Arrays.copyOfRange(bytes, 0, split);
      byte[] tail = java.util.Arrays.copyOfRange(bytes, split, bytes.length);
      assertEquals(EXPECTED, parse(head, tail), "split at byte " + split);
    }
  }

  @Test
  void sameEventsWhereverTheStreamIsSplitInThree() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int a = 0; a <= bytes.length; a += 3) {
      for (int b = a; b <= bytes.length; b += 5) {
        assertEquals(EXPECTED, parse(java.util.Arrays.copyOfRange(bytes, 0, a),
            java.util.Arrays.copyOfRange(bytes, a, b), java.util.Arrays.copyOfRange(bytes, b, bytes.length)),
            "split at " + a + " and " + b);
      }
    }
  }

  @Test
  void sameEventsFedOneByteAtATime() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    byte[][] single = new byte[bytes.length][];
    for (int i = 0; i < bytes.length; i++) {
      single[i] = new byte[] {bytes[i]};
    }
    assertEquals(EXPECTED, parse(single));
  }

  @Test
  void aCarriageReturnAtTheEndOfABufferDoesNotSwallowTheNextLine() {
    assertEquals(List.of("a", "b"), parse("data: a\r".getBytes(StandardCharsets.US_ASCII),
        "\r".getBytes(StandardCharsets.US_ASCII), "data: b\n\n".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void fieldsThatOnlyStartWithDataAreIgnored() {
    assertEquals(List.of("x"), parse("database: nope\ndata: x\n\n".getBytes(StandardCharsets.US_ASCII)));
  }
}
