package io.tollgate.controlplane.schema;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SuggestionsTest {

  private static final List<String> ORG = List.of("name", "display", "policy", "budget", "members", "keys");

  @Test
  void typosGetTheFieldMeantAndStrangersNothing() {
    assertEquals("display", Suggestions.closest("dispaly", ORG), "two letters swapped");
    assertEquals("budget", Suggestions.closest("budjet", ORG));
    assertEquals("display", Suggestions.closest("Display", ORG), "case does not matter");
    assertEquals("labels", Suggestions.closest("lables", List.of("id", "url", "labels")));
    assertEquals("requestsPerMinute", Suggestions.closest("reqestsPerMinute",
        List.of("requestsPerMinute", "tokensPerMinute", "maxConcurrentStreams")));
    assertNull(Suggestions.closest("colour", ORG));
    assertNull(Suggestions.closest("x", List.of()));
  }

  @Test
  void theReasonSaysWhatIsKnownWhenNothingIsClose() {
    assertEquals("unknown field colour (known: id, url, labels)",
        Suggestions.unknownField("colour", List.of("id", "url", "labels")));
    assertEquals("unknown field lables: did you mean labels?",
        Suggestions.unknownField("lables", List.of("id", "url", "labels")));
  }
}
