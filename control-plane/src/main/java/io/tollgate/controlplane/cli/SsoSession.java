package io.tollgate.controlplane.cli;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The token {@code tollgate-admin login} got from the identity provider, cached beside the CLI's
 * config file (sso-token.json, readable by its owner only) with what is needed to refresh it: the
 * provider's token endpoint, the client id and the refresh token. The ID token is the bearer (its
 * audience is the client id, which the control plane checks), as kubectl's OIDC plugin does.
 */
final class SsoSession {

  static final String FILE = "sso-token.json";
  /** Refreshed this long before it expires, so that a command does not start with a token about to lapse. */
  private static final Duration MARGIN = Duration.ofSeconds(30);

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private SsoSession() {
  }

  static Path path(Path configFile) {
    Path dir = configFile.toAbsolutePath().getParent();
    return dir.resolve(FILE);
  }

  /** Writes the cache for {@code endpoint}, readable and writable by its owner only. */
  static void save(Path file, JsonObject session) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), FILE, ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, session.encodePrettily());
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ApiClient.ApiException(ExitCodes.FAILED, "cannot write " + file + ": " + e.getMessage());
    }
  }

  /**
   * The cached ID token for {@code endpoint}, refreshed first when it expires within the margin;
   * null when there is none (or it was for another control plane).
   */
  static String bearer(Path file, String endpoint) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    JsonObject session;
    try {
      session = new JsonObject(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      throw new ApiClient.ApiException(ExitCodes.USAGE, "cannot read " + file + ": " + ReadFailure.why(e));
    }
    if (!endpoint.equals(session.getString("endpoint"))) {
      return null;
    }
    Instant expires = Instant.parse(session.getString("expiresAt", Instant.EPOCH.toString()));
    if (Instant.now().plus(MARGIN).isBefore(expires)) {
      return session.getString("idToken");
    }
    String refresh = session.getString("refreshToken");
    if (refresh == null) {
      throw new ApiClient.ApiException(ExitCodes.UNAUTHORIZED, "the single sign-on token expired: run tollgate-admin login");
    }
    JsonObject tokens = tokenRequest(session.getString("tokenEndpoint"), Map.of("grant_type", "refresh_token",
        "refresh_token", refresh, "client_id", session.getString("clientId")));
    JsonObject renewed = session.copy().put("idToken", tokens.getString("id_token"))
        .put("refreshToken", tokens.getString("refresh_token", refresh))
        .put("expiresAt", Instant.now().plusSeconds(tokens.getLong("expires_in", 300L)).toString());
    save(file, renewed);
    return renewed.getString("idToken");
  }

  /** A form POST to the provider's token endpoint; its JSON answer, which must hold an id_token. */
  static JsonObject tokenRequest(String tokenEndpoint, Map<String, String> form) {
    String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
        StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(tokenEndpoint))
          .timeout(Duration.ofSeconds(15)).header("content-type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      JsonObject answer = response.statusCode() == 200 ? new JsonObject(response.body()) : null;
      if (answer == null || answer.getString("id_token") == null) {
        throw new ApiClient.ApiException(ExitCodes.UNAUTHORIZED, "the identity provider refused ("
            + response.statusCode() + "): " + response.body() + "; run tollgate-admin login");
      }
      return answer;
    } catch (IOException e) {
      throw new ApiClient.ApiException(ExitCodes.UNREACHABLE, "cannot reach the identity provider at " + tokenEndpoint
          + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiClient.ApiException(ExitCodes.FAILED, "interrupted");
    }
  }

  /** GET of a JSON document (the control plane's SSO settings, the provider's discovery). */
  static JsonObject getJson(String url) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new ApiClient.ApiException(ExitCodes.FAILED, url + " answered " + response.statusCode());
      }
      return new JsonObject(response.body());
    } catch (IOException e) {
      throw new ApiClient.ApiException(ExitCodes.UNREACHABLE, "cannot reach " + url + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiClient.ApiException(ExitCodes.FAILED, "interrupted");
    }
  }
}
