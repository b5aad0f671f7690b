package io.tollgate.loadtest.scenario;

import io.tollgate.loadtest.client.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The few blocking control calls made around a run, never during it and never on an event loop: the served
 * model ({@code /v1/models}), and a simulator's {@code /sim/stats} and {@code /sim/faults}.
 */
public final class HttpProbe {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpProbe() {
  }

  /** The first model the target serves, as vLLM's bench picks one when --model is not given. */
  public static String firstModel(Target target) throws IOException {
    String url = stripSlash(target.baseUrl());
    if (url.endsWith("/v1")) {
      url = url.substring(0, url.length() - 3);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/v1/models"))
        .timeout(Duration.ofSeconds(10)).GET();
    if (target.hasKey()) {
      request.header("Authorization", "Bearer " + target.apiKey());
    }
    JsonObject body = send(request.build());
    JsonArray data = body.getJsonArray("data", new JsonArray());
    if (data.isEmpty()) {
      throw new IOException(url + "/v1/models lists no model; give --model");
    }
    return data.getJsonObject(0).getString("id");
  }

  public static JsonObject simStats(String simUrl) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(stripSlash(simUrl) + "/sim/stats"))
        .timeout(Duration.ofSeconds(5)).GET().build());
  }

  public static JsonObject simFaults(String simUrl) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(stripSlash(simUrl) + "/sim/faults"))
        .timeout(Duration.ofSeconds(5)).GET().build());
  }

  public static JsonObject setSimFaults(String simUrl, JsonObject faults) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(stripSlash(simUrl) + "/sim/faults"))
        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(faults.encode())).build());
  }

  private static JsonObject send(HttpRequest request) throws IOException {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IOException(request.method() + " " + request.uri() + " answered HTTP " + response.statusCode()
            + ": " + abbreviate(response.body()));
      }
      String body = response.body();
      return body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IOException(request.uri() + " did not answer JSON: " + e.getMessage(), e);
    }
  }

  private static String stripSlash(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
