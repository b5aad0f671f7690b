package io.tollgate.gateway.request;

import io.tollgate.gateway.outcome.Refusal;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The small text fields of a {@code multipart/form-data} upload (model, stream, …), read without
 * copying the file part: the gateway routes and limits by them and forwards the bytes as they came.
 * (Netty's form decoder would copy the file part again, or write it to disk on the event loop.)
 */
final class MultipartForm {

  /** Text fields longer than this are not the gateway's business (and not kept). */
  private static final int MAX_FIELD_BYTES = 1024;

  private MultipartForm() {
  }

  /** The boundary of a multipart/form-data content type, or null when it is not one. */
  static String boundary(String contentType) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return null;
    }
    for (String parameter : contentType.split(";")) {
      String trimmed = parameter.trim();
      if (trimmed.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String value = trimmed.substring("boundary=".length()).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() || value.length() > 70 ? null : value;
      }
    }
    return null;
  }

  /** A text field's value and where it sits in the body (for a splice that renames the model). */
  record Field(String value, int start, int end) {
  }

  /**
   * The form's small text fields by name (file parts left out), or a refusal when the body is not
   * a well-formed form closed by its boundary.
   */
  static Map<String, Field> fields(Buffer body, String boundary, Refusal[] error) {
    byte[] bytes = body.getBytes();
    Head whole = scan(bytes, bytes.length, boundary, false);
    if (!whole.atEnd()) {
      error[0] = Refusal.invalidBody("the multipart body is not a form closed by its boundary");
    }
    return whole.fields();
  }

  /**
   * What the first bytes of an upload say: its text fields before the first file part, and whether
   * that part (or the end of the form) has been reached, so that the rest can be streamed.
   */
  record Head(Map<String, Field> fields, boolean atFile, boolean atEnd) {
    static final Head MORE = new Head(Map.of(), false, false);
  }

  /** Scans the parts in {@code bytes} up to the first file part; {@link Head#MORE} while a field is incomplete. */
  static Head head(byte[] bytes, int length, String boundary) {
    return scan(bytes, length, boundary, true);
  }

  /**
   * The parts in the first {@code length} bytes: text fields collected, file parts skipped (or,
   * with {@code stopAtFile}, the scan ends at the first); {@link Head#MORE} where a part is incomplete.
   */
  private static Head scan(byte[] bytes, int length, String boundary, boolean stopAtFile) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    Map<String, Field> fields = new HashMap<>();
    int at = indexOf(bytes, length, delimiter, 0);
    while (at >= 0) {
      int lineEnd = at + delimiter.length;
      if (lineEnd + 2 > length) {
        return Head.MORE;
      }
      if (bytes[lineEnd] == '-' && bytes[lineEnd + 1] == '-') {
        return new Head(fields, false, true); // the closing delimiter
      }
      int headersEnd = indexOf(bytes, length, HEADERS_END, lineEnd);
      if (headersEnd < 0) {
        return Head.MORE;
      }
      String headers = new String(bytes, lineEnd, headersEnd - lineEnd, StandardCharsets.UTF_8);
      boolean file = parameter(headers, "filename") != null;
      if (file && stopAtFile) {
        return new Head(fields, true, false);
      }
      int contentStart = headersEnd + HEADERS_END.length;
      int next = indexOf(bytes, length, delimiter, contentStart);
      if (next < 0) {
        return Head.MORE;
      }
      String name = parameter(headers, "name");
      int contentEnd = next - 2; // the CRLF before the delimiter belongs to it
      if (name != null && !file && contentEnd >= contentStart && contentEnd - contentStart <= MAX_FIELD_BYTES) {
        fields.put(name, new Field(new String(bytes, contentStart, contentEnd - contentStart, StandardCharsets.UTF_8),
            contentStart, contentEnd));
      }
      at = next;
    }
    return Head.MORE;
  }

  private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

  /** A Content-Disposition parameter ({@code name="model"}) of a part's headers, or null. */
  private static String parameter(String headers, String parameter) {
    for (String line : headers.split("\r\n")) {
      if (!line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
        continue;
      }
      for (String piece : line.split(";")) {
        String trimmed = piece.trim();
        if (trimmed.startsWith(parameter + "=")) {
          String value = trimmed.substring(parameter.length() + 1);
          return value.length() >= 2 && value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
        }
      }
    }
    return null;
  }

  private static int indexOf(byte[] bytes, int length, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (bytes[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
