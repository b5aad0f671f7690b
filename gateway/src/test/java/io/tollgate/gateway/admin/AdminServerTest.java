package io.tollgate.gateway.admin;

import io.tollgate.gateway.config.ConfigHolder;
import io.tollgate.gateway.config.ConfigSnapshot;
import io.tollgate.gateway.config.GatewaySettings;
import io.tollgate.gateway.config.Snapshots;
import io.tollgate.testsupport.GuardedVertx;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API over real HTTP on a loopback port chosen by the OS. */
class AdminServerTest {

  private static final String TOKEN = "test-admin-token";

  private GuardedVertx guarded;
  private ConfigHolder holder;
  private AdminServer server;
  private HttpClient client;

  record Reply(int status, String contentType, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }

    JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  @BeforeEach
  void start() throws Exception {
    guarded = GuardedVertx.create();
    holder = ConfigHolder.fromRaw(Snapshots.valid());
    GatewaySettings settings = GatewaySettings.defaults().withAdminToken(TOKEN).withPorts(0, 0);
    server = await(AdminServer.start(guarded.vertx(), settings, holder));
    client = guarded.vertx().createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      await(client.close());
      await(server.close());
    } finally {
      guarded.closeAndAssert();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private Reply call(HttpMethod method, String path, String token, String contentType, String body) throws Exception {
    return call(options(method, path, token, contentType), body == null ? null : Buffer.buffer(body));
  }

  private RequestOptions options(HttpMethod method, String path, String token, String contentType) {
    RequestOptions options = new RequestOptions()
        .setMethod(method).setHost("127.0.0.1").setPort(server.port()).setURI(path);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      options.putHeader("Content-Type", contentType);
    }
    return options;
  }

  private Reply call(RequestOptions options, Buffer body) throws Exception {
    // body() is asked for inside the callback that delivers the response: chained from this
    // thread instead, the response could end before anyone listens and the await would hang.
    return await(client.request(options)
        .compose(request -> (body == null ? request.send() : request.send(body))
            .compose(response -> response.body()
                .map(bytes -> new Reply(response.statusCode(), response.getHeader("Content-Type"), bytes)))));
  }

  private Reply get(String token) throws Exception {
    return call(HttpMethod.GET, "/admin/config", token, null, null);
  }

  private Reply post(String contentType, String body) throws Exception {
    return call(HttpMethod.POST, "/admin/config", TOKEN, contentType, body);
  }

  private static void assertErrorShape(Reply reply, int status, String type, String code) {
    assertEquals(status, reply.status(), reply.body()::toString);
    assertEquals("application/json", reply.contentType());
    JsonObject error = reply.error();
    assertEquals(type, error.getString("type"));
    assertEquals(code, error.getString("code"));
    assertTrue(error.containsKey("param"));
    assertNull(error.getValue("param"));
    assertInstanceOf(String.class, error.getValue("message"));
  }

  @Test
  void getReturnsTheLiveVersionAndDocument() throws Exception {
    Reply reply = get(TOKEN);

    assertEquals(200, reply.status());
    assertEquals(1, reply.json().getLong("version"));
    assertEquals(Snapshots.valid(), reply.json().getJsonObject("config"));
  }

  @Test
  void postJsonAppliesANewVersion() throws Exception {
    JsonObject next = Snapshots.valid();
    next.getJsonArray("models").add(new JsonObject().put("name", "mistral").put("backends", new JsonArray().add("gpu-1")));

    Reply reply = post("application/json", next.encode());

    assertEquals(200, reply.status(), reply.body()::toString);
    assertEquals(2, reply.json().getLong("version"));
    assertEquals(new JsonArray().add("mistral"),
        reply.json().getJsonObject("changes").getJsonObject("models").getJsonArray("added"));
    assertEquals(2, holder.current().version());
    assertTrue(holder.current().models().containsKey("mistral"));
    Reply after = get(TOKEN);
    assertEquals(2, after.json().getLong("version"));
    assertEquals(next, after.json().getJsonObject("config"));
  }

  @Test
  void postYamlAppliesANewVersion() throws Exception {
    String yaml = """
        defaults:
          maxTokens: 64
        backends:
          - {id: gpu-1, url: "http://10.0.0.1:8000"}
        models:
          - name: llama
            backends: [gpu-1]
        keys: []
        """;

    Reply reply = post("application/yaml; charset=utf-8", yaml);

    assertEquals(200, reply.status(), reply.body()::toString);
    assertEquals(2, reply.json().getLong("version"));
    JsonObject changes = reply.json().getJsonObject("changes");
    assertEquals(new JsonArray().add("gpu-2"), changes.getJsonObject("backends").getJsonArray("removed"));
    assertEquals(new JsonArray().add("qwen"), changes.getJsonObject("models").getJsonArray("removed"));
    assertEquals(new JsonArray().add("app-1").add("app-2"), changes.getJsonObject("keys").getJsonArray("removed"));
    assertTrue(changes.getBoolean("defaultsChanged"));
    assertEquals(64, holder.current().defaultMaxTokens());
    assertEquals(List.of("llama"), List.copyOf(holder.current().models().keySet()));
  }

  @Test
  void invalidConfigIsRefusedWithEveryReason() throws Exception {
    ConfigSnapshot before = holder.current();
    JsonObject bad = Snapshots.valid();
    Snapshots.model(bad, 0).getJsonArray("backends").set(1, "gpu-9");
    Snapshots.model(bad, 1).put("maxAttempts", 0);
    Snapshots.key(bad, 1).put("hash", "plain-secret");

    Reply reply = post("application/json", bad.encode());

    assertErrorShape(reply, 422, "invalid_request_error", "invalid_config");
    assertEquals("config refused: 3 problems; version 1 keeps serving", reply.error().getString("message"));
    assertEquals(new JsonArray()
            .add("models[1].maxAttempts: must be >= 1, got 0")
            .add("keys[1].hash: must match ^hmac-sha256:[0-9a-f]{64}$, got \"plain-secret\"")
            .add("models[0].backends[1]: unknown backend \"gpu-9\""),
        reply.error().getJsonArray("details"));
    assertSame(before, holder.current());
    assertEquals(1, get(TOKEN).json().getLong("version"));
  }

  @Test
  void missingOrWrongTokenIsRefused() throws Exception {
    assertErrorShape(get(null), 401, "authentication_error", "invalid_admin_token");
    assertErrorShape(get("wrong-token"), 401, "authentication_error", "invalid_admin_token");
    assertErrorShape(get(TOKEN + "x"), 401, "authentication_error", "invalid_admin_token");
    assertErrorShape(call(HttpMethod.GET, "/admin/config", null, null, null), 401,
        "authentication_error", "invalid_admin_token");
  }

  @Test
  void wrongTokenCannotChangeTheConfig() throws Exception {
    ConfigSnapshot before = holder.current();
    Reply reply = call(HttpMethod.POST, "/admin/config", "wrong", "application/json", Snapshots.valid().encode());

    assertErrorShape(reply, 401, "authentication_error", "invalid_admin_token");
    assertSame(before, holder.current());
  }

  @Test
  void aCompressedBodyIsRefusedAsUnsupportedNotReadAsBadJson() throws Exception {
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
      gzip.write(Snapshots.valid().encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Reply reply = call(options(HttpMethod.POST, "/admin/config", TOKEN, "application/json")
        .putHeader("Content-Encoding", "gzip"), Buffer.buffer(zipped.toByteArray()));
    assertErrorShape(reply, 415, "invalid_request_error", "unsupported_content_encoding");
    assertEquals("Content-Encoding 'gzip' is not supported: send the body uncompressed", reply.error().getString("message"));
    assertEquals(1, holder.current().version());
  }

  @Test
  void malformedBodyIsABadRequest() throws Exception {
    Reply unclosed = post("application/json", "{\"backends\": [}");
    assertErrorShape(unclosed, 400, "invalid_request_error", "invalid_json");
    assertEquals("the body is not valid JSON: Unexpected close marker '}': expected ']' (for Array starting at"
        + " line 1, column 14) at line 1, column 15 (for YAML, send Content-Type: application/yaml)",
        unclosed.error().getString("message"));
    assertErrorShape(post("application/json", "[1, 2]"), 400, "invalid_request_error", "invalid_json");
    assertErrorShape(post("application/json", ""), 400, "invalid_request_error", "invalid_json");
    assertErrorShape(post("application/yaml", "backends: [\n"), 400, "invalid_request_error", "invalid_json");
    assertEquals(1, holder.current().version());
  }

  @Test
  void bodyWithoutAYamlContentTypeIsReadAsJson() throws Exception {
    // what `curl -d @snapshot.json` sends when -H 'Content-Type: application/json' is forgotten
    Reply reply = post("application/x-www-form-urlencoded", Snapshots.valid().encode());
    assertEquals(200, reply.status(), reply.body()::toString);
    assertEquals(2, holder.current().version());
  }

  @Test
  void wrongMethodIsRefusedInTheErrorShape() throws Exception {
    assertErrorShape(call(HttpMethod.DELETE, "/admin/config", TOKEN, null, null), 405,
        "invalid_request_error", "method_not_allowed");
    assertEquals(1, holder.current().version());
  }

  @Test
  void unknownAdminPathIsNotFound() throws Exception {
    assertErrorShape(call(HttpMethod.GET, "/admin/nope", TOKEN, null, null), 404, "invalid_request_error", "not_found");
    // the token is checked first: unknown paths reveal nothing without it
    assertErrorShape(call(HttpMethod.GET, "/admin/nope", null, null, null), 401,
        "authentication_error", "invalid_admin_token");
    assertErrorShape(call(HttpMethod.GET, "/admin", null, null, null), 401,
        "authentication_error", "invalid_admin_token");
    assertErrorShape(call(HttpMethod.GET, "/elsewhere", null, null, null), 404, "invalid_request_error", "not_found");
  }

  @Test
  void emptyAdminTokenRefusesToStart() {
    GatewaySettings noToken = GatewaySettings.defaults().withPorts(0, 0);
    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> await(AdminServer.start(guarded.vertx(), noToken, holder)));
    assertInstanceOf(IllegalArgumentException.class, failure.getCause());
  }

  @Test
  void othersCanAddRoutes() throws Exception {
    server.router().get("/metrics").handler(ctx -> ctx.response().end("up 1\n"));
    Reply reply = call(HttpMethod.GET, "/metrics", null, null, null);
    assertEquals(200, reply.status());
    assertEquals("up 1\n", reply.body().toString());
  }
}
