package io.tollgate.controlplane.testsupport;

import io.tollgate.controlplane.ControlPlane;
import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.testsupport.GuardedVertx;
import io.tollgate.testsupport.PgSchema;
import io.tollgate.testsupport.Services;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A control plane on a free port over its own schema and Redis prefix, plus a blocking client for
 * the test thread. Requests start on a Vert.x context (eclipse-vertx/vert.x#5904).
 */
public final class RunningControlPlane implements AutoCloseable {

  public static final String PEPPER = "test-pepper-" + UUID.randomUUID();

  public final GuardedVertx guarded;
  public final PgSchema schema;
  public final String bootstrapToken = "boot-" + UUID.randomUUID();
  public final String redisPrefix = "tgt" + Long.toString(System.nanoTime(), 36);
  public final ControlPlane plane;
  private final HttpClient client;
  private final Context context;

  private RunningControlPlane(GuardedVertx guarded, PgSchema schema, String redisUrl, FrontDoorSettings frontDoor,
                              io.tollgate.controlplane.config.AnalyticsLink analytics,
                              io.tollgate.controlplane.config.OidcSettings oidc) throws Exception {
    this(guarded, schema, redisUrl, frontDoor, analytics, oidc, io.tollgate.frontdoor.TlsSettings.off(),
        io.tollgate.controlplane.config.AlertSettings.defaults());
  }

  private RunningControlPlane(GuardedVertx guarded, PgSchema schema, String redisUrl, FrontDoorSettings frontDoor,
                              io.tollgate.controlplane.config.AnalyticsLink analytics,
                              io.tollgate.controlplane.config.AlertSettings alerts) throws Exception {
    this(guarded, schema, redisUrl, frontDoor, analytics, io.tollgate.controlplane.config.OidcSettings.NONE,
        io.tollgate.frontdoor.TlsSettings.off(), alerts);
  }

  private RunningControlPlane(GuardedVertx guarded, PgSchema schema, String redisUrl, FrontDoorSettings frontDoor,
                              io.tollgate.controlplane.config.AnalyticsLink analytics,
                              io.tollgate.controlplane.config.OidcSettings oidc,
                              io.tollgate.frontdoor.TlsSettings tls,
                              io.tollgate.controlplane.config.AlertSettings alerts) throws Exception {
    this.guarded = guarded;
    this.schema = schema;
    Services.requireRedis();
    ControlPlaneSettings settings = new ControlPlaneSettings(Services.PG_URL, schema.name, 0, bootstrapToken, PEPPER,
        redisUrl, redisPrefix, ControlPlaneSettings.DEFAULT_ADMIN_TOKEN_TTL, frontDoor, analytics, oidc).withTls(tls)
        .withAlerts(alerts);
    this.plane = await(ControlPlane.start(guarded.vertx(), settings));
    this.client = guarded.vertx().createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(plane.port()));
    this.context = guarded.vertx().getOrCreateContext();
  }

  public static RunningControlPlane start() throws Exception {
    return start(Services.REDIS_URL);
  }

  /** With the gateways' Redis at {@code redisUrl} (e.g. a closed port, for outages). */
  public static RunningControlPlane start(String redisUrl) throws Exception {
    return start(redisUrl, FrontDoorSettings.defaults());
  }

  /** With these front-door deadlines and limits on its API port (short ones, for the front-door tests). */
  public static RunningControlPlane start(FrontDoorSettings frontDoor) throws Exception {
    return start(Services.REDIS_URL, frontDoor);
  }

  private static RunningControlPlane start(String redisUrl, FrontDoorSettings frontDoor) throws Exception {
    return start(redisUrl, frontDoor, io.tollgate.controlplane.config.AnalyticsLink.NONE);
  }

  /**
   * Serving HTTPS with {@code tls}, its front door's deadlines {@code frontDoor}; the helpers here
   * speak plain HTTP, so the caller brings its own TLS clients.
   */
  public static RunningControlPlane start(io.tollgate.frontdoor.TlsSettings tls, FrontDoorSettings frontDoor)
      throws Exception {
    return new RunningControlPlane(GuardedVertx.create(), PgSchema.create("cp"), Services.REDIS_URL, frontDoor,
        io.tollgate.controlplane.config.AnalyticsLink.NONE, io.tollgate.controlplane.config.OidcSettings.NONE, tls,
        io.tollgate.controlplane.config.AlertSettings.defaults());
  }

  /** Asking the analytics service at {@code analytics} for org usage. */
  public static RunningControlPlane start(io.tollgate.controlplane.config.AnalyticsLink analytics) throws Exception {
    return start(Services.REDIS_URL, FrontDoorSettings.defaults(), analytics);
  }

  private static RunningControlPlane start(String redisUrl, FrontDoorSettings frontDoor,
                                           io.tollgate.controlplane.config.AnalyticsLink analytics) throws Exception {
    GuardedVertx guarded = GuardedVertx.create();
    PgSchema schema = PgSchema.create("cp");
    return new RunningControlPlane(guarded, schema, redisUrl, frontDoor, analytics,
        io.tollgate.controlplane.config.OidcSettings.NONE);
  }

  /** Accepting the JWTs of the identity provider {@code oidc} describes (single sign-on). */
  public static RunningControlPlane start(io.tollgate.controlplane.config.OidcSettings oidc) throws Exception {
    GuardedVertx guarded = GuardedVertx.create();
    PgSchema schema = PgSchema.create("cp");
    return new RunningControlPlane(guarded, schema, Services.REDIS_URL, FrontDoorSettings.defaults(),
        io.tollgate.controlplane.config.AnalyticsLink.NONE, oidc);
  }

  /** With these alert settings (fast polls and retries, an SMTP server started by the test). */
  public static RunningControlPlane start(io.tollgate.controlplane.config.AlertSettings alerts) throws Exception {
    return new RunningControlPlane(GuardedVertx.create(), PgSchema.create("cp"), Services.REDIS_URL,
        FrontDoorSettings.defaults(), io.tollgate.controlplane.config.AnalyticsLink.NONE, alerts);
  }

  /** A whole answer. */
  public record Reply(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray array() {
      return new JsonArray(body);
    }
  }

  public Reply call(HttpMethod method, String path, String token, JsonObject body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    if (token != null) {
      options.putHeader("authorization", "Bearer " + token);
    }
    if (body != null) {
      options.putHeader("content-type", "application/json");
    }
    return send(options, body == null ? Buffer.buffer() : body.toBuffer());
  }

  /** Sends a body as is (for malformed JSON). */
  public Reply raw(HttpMethod method, String path, String token, String body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path)
        .putHeader("authorization", "Bearer " + token).putHeader("content-type", "application/json");
    return send(options, Buffer.buffer(body));
  }

  /** A body as sent, with headers of the caller's (e.g. Content-Encoding). */
  public Reply raw(HttpMethod method, String path, String token, Buffer body, java.util.Map<String, String> headers)
      throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path)
        .putHeader("authorization", "Bearer " + token).putHeader("content-type", "application/json");
    headers.forEach(options::putHeader);
    return send(options, body);
  }

  /** A whole answer with its headers (cookies, Retry-After). */
  public record Exchange(int status, String body, io.vertx.core.MultiMap headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** Sends {@code options} as given (headers and all) with {@code body} (null: none). */
  public Exchange exchange(RequestOptions options, JsonObject body) throws Exception {
    if (body != null) {
      options.putHeader("content-type", "application/json");
    }
    Buffer payload = body == null ? Buffer.buffer() : body.toBuffer();
    return onContext(() -> client.request(options)
        .compose(request -> request.send(payload)
            .compose(response -> response.body().map(b -> new Exchange(response.statusCode(), b.toString(),
                io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(response.headers()))))));
  }

  private Reply send(RequestOptions options, Buffer payload) throws Exception {
    return onContext(() -> client.request(options)
        .compose(request -> request.send(payload)
            .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b.toString())))));
  }

  public Reply get(String path, String token) throws Exception {
    return call(HttpMethod.GET, path, token, null);
  }

  public Reply post(String path, String token, JsonObject body) throws Exception {
    return call(HttpMethod.POST, path, token, body);
  }

  public Reply put(String path, String token, JsonObject body) throws Exception {
    return call(HttpMethod.PUT, path, token, body);
  }

  /** Creates a config reader (the gateways' user: reads snapshots, nothing else) and returns its token. */
  public String configReader(String adminToken, String email) throws Exception {
    Reply reply = post("/api/v1/users", adminToken, new JsonObject().put("email", email).put("configReader", true));
    if (reply.status() != 201) {
      throw new AssertionError("config reader " + email + ": " + reply);
    }
    return reply.json().getString("token");
  }

  /** Creates a user and returns the token shown once. */
  public String user(String adminToken, String email, boolean platformAdmin) throws Exception {
    Reply reply = post("/api/v1/users", adminToken, new JsonObject().put("email", email).put("platformAdmin", platformAdmin));
    if (reply.status() != 201) {
      throw new AssertionError("user " + email + ": " + reply);
    }
    return reply.json().getString("token");
  }

  public <T> T onContext(Supplier<Future<T>> call) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return await(promise.future());
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Sends one Redis command (keys under this run's prefix are deleted at close). */
  public io.vertx.redis.client.Response redis(io.vertx.redis.client.Request request) throws Exception {
    io.vertx.redis.client.Redis redis = io.vertx.redis.client.Redis.createClient(guarded.vertx(), REDIS_URL_OPTIONS());
    try {
      return await(redis.send(request));
    } finally {
      redis.close();
    }
  }

  /** Sets a Redis string (keys under this run's prefix are deleted at close). */
  public void redisSet(String key, String value) throws Exception {
    io.vertx.redis.client.Redis redis = io.vertx.redis.client.Redis.createClient(guarded.vertx(), REDIS_URL_OPTIONS());
    try {
      await(redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.SET).arg(key).arg(value)));
    } finally {
      redis.close();
    }
  }

  /** Deletes every Redis key of this run's prefix. */
  private void cleanRedis() throws Exception {
    io.vertx.redis.client.Redis redis = io.vertx.redis.client.Redis.createClient(guarded.vertx(), REDIS_URL_OPTIONS());
    try {
      io.vertx.redis.client.Response keys = await(redis.send(io.vertx.redis.client.Request
          .cmd(io.vertx.redis.client.Command.KEYS).arg(redisPrefix + ":*")));
      io.vertx.redis.client.Response tagged = await(redis.send(io.vertx.redis.client.Request
          .cmd(io.vertx.redis.client.Command.KEYS).arg("{" + redisPrefix + ":*")));
      io.vertx.redis.client.Request del = io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL);
      keys.forEach(key -> del.arg(key.toString()));
      tagged.forEach(key -> del.arg(key.toString()));
      if (keys.size() + tagged.size() > 0) {
        await(redis.send(del));
      }
    } finally {
      redis.close();
    }
  }

  private static io.vertx.redis.client.RedisOptions REDIS_URL_OPTIONS() {
    return new io.vertx.redis.client.RedisOptions().setConnectionString(Services.REDIS_URL);
  }

  @Override
  public void close() throws Exception {
    try {
      cleanRedis();
      await(plane.close());
    } finally {
      try {
        schema.close();
      } finally {
        guarded.closeAndAssert();
      }
    }
  }
}
