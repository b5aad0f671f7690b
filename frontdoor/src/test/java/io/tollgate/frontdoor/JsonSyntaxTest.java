package io.tollgate.frontdoor;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonSyntaxTest {

  private static String reasonFor(String body) {
    return JsonSyntax.reason(assertThrows(DecodeException.class, () -> Json.decodeValue(body)));
  }

  @Test
  void saysWhatIsWrongAndWhereWithoutTheParsersWrapping() {
    // Vert.x says "Failed to decode:…\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); …]".
    assertEquals("Unexpected end-of-input within/between Array entries at line 1, column 9", reasonFor("{\"a\":[1,"));
    assertEquals("Unexpected character ('}' (code 125)): was expecting double-quote to start field name at line 3,"
        + " column 2", reasonFor("{\n \"a\": 1,\n }"));
    // Inside the reason, "[Source: REDACTED (…); line: 1, column: 1]" is a place like the others.
    assertEquals("Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 1)"
        + " at line 1, column 9", reasonFor("{\"a\": 1 "));
  }

  @Test
  void aFailureWithoutTheParsersExceptionKeepsItsFirstLine() {
    assertEquals("no body", JsonSyntax.reason(new DecodeException("Failed to decode:no body\n at somewhere")));
  }
}
