package io.tollgate.frontdoor;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Why a request body is not JSON, in words for the person who sent it: the parser's reason and where
 * ("Unexpected end-of-input within/between Array entries at line 1, column 9"), without what Jackson
 * and Vert.x wrap around it ("Failed to decode:", a second line "at [Source: REDACTED
 * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled) …]"; inside the reason, "(for Array
 * starting at [Source: …; line: 1, column: 14])" becomes "(for Array starting at line 1, column 14)").
 * Every service's 400 says it alike.
 */
public final class JsonSyntax {

  private static final java.util.regex.Pattern SOURCE =
      java.util.regex.Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]");

  private JsonSyntax() {
  }

  /** @param failure Jackson's exception, or one that has it as a cause (Vert.x's DecodeException) */
  public static String reason(Throwable failure) {
    Throwable cause = failure;
    while (cause != null && !(cause instanceof JsonProcessingException)) {
      cause = cause.getCause();
    }
    if (!(cause instanceof JsonProcessingException parse)) {
      return cut(String.valueOf(failure.getMessage()).replaceFirst("^Failed to decode: ?", ""));
    }
    String message = parse.getOriginalMessage() == null ? "invalid JSON" : cut(parse.getOriginalMessage());
    JsonLocation location = parse.getLocation();
    if (location != null && location.getLineNr() > 0) {
      message += " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
    return message;
  }

  /** The first line, its places as "line L, column C". */
  private static String cut(String message) {
    int newline = message.indexOf('\n');
    String first = newline > 0 ? message.substring(0, newline) : message;
    return SOURCE.matcher(first).replaceAll("line $1, column $2");
  }
}
