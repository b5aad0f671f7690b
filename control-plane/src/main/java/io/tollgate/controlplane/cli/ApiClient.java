package io.tollgate.controlplane.cli;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The CLI's blocking client of the REST API (a CLI runs on its own thread, no event loop here). */
final class ApiClient {

  /**
   * HTTP/1.1, which is all the API port speaks (its front door turns clear-text HTTP/2 off): the
   * default, HTTP/2, only adds an h2c upgrade offer to every request that the port declines.
   */
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final String token;

  ApiClient(URI endpoint, String token) {
    this.endpoint = endpoint;
    this.token = token;
  }

  /** A refusal or failure with the exit code scripts can rely on (see {@link ExitCodes}). */
  static final class ApiException extends RuntimeException {
    final int exitCode;
    /** The API's error object ({status, message, fields}), when the control plane answered one. */
    private final JsonObject error;

    ApiException(int exitCode, String message) {
      this(exitCode, message, null);
    }

    ApiException(int exitCode, String message, JsonObject error) {
      super(message, null, false, false);
      this.exitCode = exitCode;
      this.error = error;
    }

    JsonObject error() {
      return error;
    }
  }

  Object get(String path) {
    return send("GET", path, null);
  }

  Object post(String path, Object body) {
    return send("POST", path, body);
  }

  Object put(String path, Object body) {
    return send("PUT", path, body);
  }

  Object patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  Object delete(String path) {
    return send("DELETE", path, null);
  }

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
  }

  /** The decoded JSON answer (JsonObject, JsonArray or null for 204). */
  Object send(String method, String path, Object body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("authorization", "Bearer " + token)
        .header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(Json.encode(body)));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ApiException(ExitCodes.UNREACHABLE, "cannot reach the control plane at " + endpoint + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ExitCodes.UNREACHABLE, "interrupted");
    }
    String text = response.body();
    Object decoded = text == null || text.isBlank() ? null : Json.decodeValue(text);
    int status = response.statusCode();
    if (status >= 400) {
      JsonObject error = decoded instanceof JsonObject json ? json.getJsonObject("error") : null;
      throw new ApiException(ExitCodes.forStatus(status), describe(status, decoded), error);
    }
    return decoded;
  }

  private static String describe(int status, Object body) {
    if (body instanceof JsonObject json && json.getJsonObject("error") != null) {
      JsonObject error = json.getJsonObject("error");
      StringBuilder text = new StringBuilder(status + ": " + error.getString("message"));
      if (error.getJsonArray("fields") != null) {
        error.getJsonArray("fields").forEach(f -> {
          JsonObject field = (JsonObject) f;
          text.append("\n  ").append(field.getString("path")).append(": ").append(field.getString("reason"));
        });
      }
      return text.toString();
    }
    return status + ": " + body;
  }
}
