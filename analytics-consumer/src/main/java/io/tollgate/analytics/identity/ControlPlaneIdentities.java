package io.tollgate.analytics.identity;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Callers with control-plane identities (its user tokens; whatever else its API accepts): the
 * control plane says who they are and whose usage they read ({@code GET /api/v1/me/access}, called
 * with the caller's own Authorization header), so that the role table lives in one place. Answers,
 * a refusal included, are kept for a short while by a hash of the header: a dashboard's burst of
 * calls costs one lookup, and a revoked token or role lasts that long at most. A control plane that
 * cannot be asked is not a refusal and is not kept.
 */
public final class ControlPlaneIdentities {

  /** The control plane refused the credential (401), with its words. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** The control plane could not be asked (down, timed out, answered something else). */
  public static final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  private static final int TIMEOUT_MS = 5_000;
  private static final int MAX_ENTRIES = 100_000;

  private final WebClient client;
  private final String accessPath;
  /** A refusal is kept too (as a value), so an unknown token cannot make every request a lookup. */
  private final AsyncCache<String, Object> answers;

  public ControlPlaneIdentities(Vertx vertx, String controlPlaneUrl, Duration keep) {
    URI base = URI.create(controlPlaneUrl.endsWith("/") ? controlPlaneUrl : controlPlaneUrl + "/");
    boolean tls = "https".equals(base.getScheme());
    int port = base.getPort() != -1 ? base.getPort() : tls ? 443 : 80;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost(base.getHost()).setDefaultPort(port)
        .setSsl(tls).setConnectTimeout(TIMEOUT_MS).setIdleTimeout(60));
    this.accessPath = base.getPath() + "api/v1/me/access";
    this.answers = Caffeine.newBuilder().expireAfterWrite(keep).maximumSize(MAX_ENTRIES).buildAsync();
  }

  /** Fails with {@link Refused} or {@link Unavailable}; completes on the caller's context. */
  public Future<Access> lookUp(String authorization) {
    Context context = Vertx.currentContext();
    Future<Object> answer = Future.fromCompletionStage(
        answers.get(digest(authorization), (key, executor) -> ask(authorization).toCompletionStage().toCompletableFuture()),
        context);
    return answer.compose(value -> value instanceof Access access ? Future.succeededFuture(access)
        : Future.failedFuture(new Refused((String) value)));
  }

  private Future<Object> ask(String authorization) {
    return client.get(accessPath).putHeader(HttpHeaders.AUTHORIZATION.toString(), authorization).timeout(TIMEOUT_MS)
        .send()
        .recover(failure -> Future.failedFuture(new Unavailable("the control plane could not be asked who the caller "
            + "is: " + failure.getMessage())))
        .compose(response -> {
          if (response.statusCode() == 200) {
            return Future.succeededFuture(access(response.bodyAsJsonObject()));
          }
          if (response.statusCode() == 401) {
            return Future.succeededFuture(refusal(response.bodyAsString()));
          }
          return Future.failedFuture(new Unavailable("the control plane answered " + response.statusCode()
              + " when asked who the caller is"));
        });
  }

  private static Access access(JsonObject body) {
    Set<String> orgs = new HashSet<>();
    JsonArray listed = body.getJsonArray("usageOrgs", new JsonArray());
    listed.forEach(org -> orgs.add(String.valueOf(org)));
    return new Access(body.getString("actor"), body.getBoolean("allOrgs", false), orgs);
  }

  /** The control plane's own words ("token expired: …"), else a plain refusal. */
  private static String refusal(String body) {
    try {
      String message = new JsonObject(body).getJsonObject("error").getString("message");
      return message == null ? "the bearer token is not valid" : message;
    } catch (RuntimeException e) {
      return "the bearer token is not valid";
    }
  }

  /** Credentials are never kept in the clear, not even in memory. */
  private static String digest(String authorization) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(authorization.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public void close() {
    client.close();
  }
}
