package io.tollgate.controlplane.cli;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.awt.Desktop;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code tollgate-admin login}: signs in through the control plane's identity provider with the
 * browser (authorization code with PKCE, back to a loopback port this command listens on, RFC 8252)
 * and caches the token for the next commands, which refresh it when it expires.
 */
@Command(name = "login", description = "Signs in through the control plane's identity provider (single sign-on); "
    + "later commands use the cached token.",
    footer = {"", "Example:", "  tollgate-admin login --endpoint https://tollgate.example.com"})
final class LoginCommand implements Callable<Integer> {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Mixin Globals g;

  @Option(names = "--no-browser", description = "Print the sign-in URL only; do not open a browser.")
  boolean noBrowser;

  @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "300",
      description = "How long to wait for the sign-in in the browser (default ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Override
  public Integer call() {
    try {
      String endpoint = g.endpoint();
      JsonObject sso = SsoSession.getJson(endpoint + "portal/auth/oidc");
      if (!sso.getBoolean("enabled", false)) {
        throw new ApiClient.ApiException(ExitCodes.USAGE, "the control plane at " + endpoint
            + " has no single sign-on: use a token (--token)");
      }
      String clientId = sso.getString("clientId");
      JsonObject discovery = SsoSession.getJson(sso.getString("issuer").replaceAll("/+$", "")
          + "/.well-known/openid-configuration");
      JsonObject tokens = browserFlow(discovery, clientId);
      JsonObject session = new JsonObject().put("endpoint", endpoint).put("clientId", clientId)
          .put("tokenEndpoint", discovery.getString("token_endpoint")).put("idToken", tokens.getString("id_token"))
          .put("refreshToken", tokens.getString("refresh_token"))
          .put("expiresAt", Instant.now().plusSeconds(tokens.getLong("expires_in", 300L)).toString());
      java.nio.file.Path file = SsoSession.path(g.configFile());
      SsoSession.save(file, session);
      Object me = new ApiClient(URI.create(endpoint), session.getString("idToken")).get("api/v1/me");
      g.err().println("signed in as " + ((JsonObject) me).getString("actor") + "; token cached in " + file);
      g.err().flush();
      return AdminCli.show(g, me);
    } catch (ApiClient.ApiException e) {
      g.err().println("tollgate-admin: " + e.getMessage());
      g.err().flush();
      return e.exitCode;
    }
  }

  private JsonObject browserFlow(JsonObject discovery, String clientId) {
    String state = random();
    String nonce = random();
    String verifier = random();
    CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
    HttpServer loopback;
    try {
      loopback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new ApiClient.ApiException(ExitCodes.FAILED, "cannot listen on a loopback port: " + e.getMessage());
    }
    loopback.createContext("/callback", exchange -> {
      Map<String, String> params = query(exchange.getRequestURI().getRawQuery());
      byte[] page = ("<!doctype html><title>Tollgate</title><p>" + (params.containsKey("code")
          ? "Signed in: you can close this tab and return to the terminal." : "The sign-in failed: "
          + params.getOrDefault("error", "no code")) + "</p>").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(page);
      }
      answer.complete(params);
    });
    loopback.start();
    try {
      String redirect = "http://127.0.0.1:" + loopback.getAddress().getPort() + "/callback";
      String url = discovery.getString("authorization_endpoint") + "?response_type=code&client_id=" + encode(clientId)
          + "&redirect_uri=" + encode(redirect) + "&scope=" + encode("openid email profile offline_access")
          + "&state=" + state + "&nonce=" + nonce + "&code_challenge=" + challenge(verifier)
          + "&code_challenge_method=S256";
      g.err().println("Sign in at: " + url);
      g.err().flush();
      if (!noBrowser && Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
        Desktop.getDesktop().browse(URI.create(url));
      }
      Map<String, String> params = answer.get(waitSeconds, TimeUnit.SECONDS);
      if (!state.equals(params.get("state")) || params.get("code") == null) {
        throw new ApiClient.ApiException(ExitCodes.UNAUTHORIZED, "the sign-in did not come back for this login ("
            + params.getOrDefault("error", "wrong state") + ")");
      }
      Map<String, String> form = new HashMap<>(Map.of("grant_type", "authorization_code", "code", params.get("code"),
          "redirect_uri", redirect, "client_id", clientId, "code_verifier", verifier));
      return SsoSession.tokenRequest(discovery.getString("token_endpoint"), form);
    } catch (TimeoutException e) {
      throw new ApiClient.ApiException(ExitCodes.FAILED, "no sign-in within " + waitSeconds + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiClient.ApiException(ExitCodes.FAILED, "interrupted");
    } catch (ExecutionException | IOException e) {
      throw new ApiClient.ApiException(ExitCodes.FAILED, "the sign-in failed: " + e.getMessage());
    } finally {
      loopback.stop(0);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  private static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
