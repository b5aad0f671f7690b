package io.tollgate.controlplane.api;

import io.tollgate.controlplane.store.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A refusal with its HTTP status, mapped to JSON in one place ({@link ApiServer}):
 * {@code {"error":{"status":422,"message":"…","fields":[{"path":"$.name","reason":"…"}]}}}.
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final List<Problem> fields;

  public ApiError(int status, String message, List<Problem> fields) {
    super(message, null, false, false);
    this.status = status;
    this.fields = List.copyOf(fields);
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, message, List.of());
  }

  public static ApiError invalid(List<Problem> fields) {
    return new ApiError(422, "invalid request: " + fields.size() + " field(s) refused", fields);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, message, List.of());
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, message, List.of());
  }

  public static ApiError notFound(String what) {
    return new ApiError(404, what + " not found", List.of());
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, message, List.of());
  }

  /**
   * A refusal at the front door (framing, sizes, deadlines), in this API's shape. The shape has no
   * machine code: the status says what went wrong, the message how, as for every other error here.
   */
  public static Buffer frontDoorRefusal(int status, String code, String message) {
    return new ApiError(status, message, List.of()).toJson().toBuffer();
  }

  public int status() {
    return status;
  }

  public List<Problem> fields() {
    return fields;
  }

  public JsonObject toJson() {
    JsonObject error = new JsonObject().put("status", status).put("message", getMessage());
    if (!fields.isEmpty()) {
      JsonArray array = new JsonArray();
      fields.forEach(f -> array.add(new JsonObject().put("path", f.path()).put("reason", f.reason())));
      error.put("fields", array);
    }
    return new JsonObject().put("error", error);
  }
}
