package io.tollgate.controlplane.api;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The version a change was based on: the {@code If-Match} header (the {@code ETag} a read
 * answered, {@code "3"}) or the body's {@code version}. A stale header is 412 Precondition Failed
 * (RFC 9110); a stale body version 409, as it always was. Neither: the change is unconditional
 * (a merge patch only touches the fields it names).
 *
 * @param version null when the caller named none
 * @param fromHeader whether it came from If-Match
 */
public record ExpectedVersion(Integer version, boolean fromHeader) {

  /** Reads If-Match, else the body's version (which the body's own checks have validated). */
  public static ExpectedVersion of(Call call) {
    String ifMatch = call.context().request().getHeader("if-match");
    if (ifMatch != null && !ifMatch.isBlank()) {
      String tag = ifMatch.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      tag = tag.replace("\"", "");
      try {
        return new ExpectedVersion(Integer.parseInt(tag), true);
      } catch (NumberFormatException e) {
        throw new ApiError(412, "If-Match must be the ETag of the version read, e.g. \"3\" (got " + ifMatch + ")",
            List.of());
      }
    }
    Object body = call.body().getValue("version");
    return new ExpectedVersion(body instanceof Number n ? n.intValue() : null, false);
  }

  /** Refuses the change when the current object moved past the version it was based on. */
  public void check(JsonObject current) {
    if (version == null) {
      return;
    }
    int now = current.getInteger("version");
    if (now != version) {
      String message = "stale version " + version + ": the current version is " + now
          + " (read it again and re-apply your change)";
      throw fromHeader ? new ApiError(412, message, List.of()) : ApiError.conflict(message);
    }
  }

  /** The ETag of an object answer that has a version: {@code "3"}. */
  public static String etag(Object body) {
    return body instanceof JsonObject object && object.getValue("version") instanceof Number version
        ? "\"" + version.longValue() + "\"" : null;
  }
}
