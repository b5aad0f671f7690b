package io.tollgate.charts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A few paths of the Kubernetes API on a loopback port, enough for the charts' {@code lookup} of
 * Secrets. helm-java's template renders with the remote lookups of a real install (dry run
 * "none"), so without this it would dial whatever the kubeconfig names. Surefire sets KUBECONFIG
 * to {@link #KUBECONFIG}; this class writes that file with its own port. A Secret put here is
 * what the next render finds in the "cluster" (an upgrade); by default there is none (a first
 * install).
 */
final class FakeKubernetesApi {

  static final Path KUBECONFIG = Path.of(System.getProperty("tollgate.kubeconfig", "target/kube/config"));

  private static final Pattern SECRET = Pattern.compile("^/api/v1/namespaces/([^/]+)/secrets/([^/]+)$");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static FakeKubernetesApi instance;

  private final HttpServer server;
  private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();

  private FakeKubernetesApi(HttpServer server) {
    this.server = server;
  }

  static synchronized FakeKubernetesApi start() {
    if (instance != null) {
      return instance;
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      FakeKubernetesApi api = new FakeKubernetesApi(server);
      server.createContext("/", api::handle);
      server.start();
      Files.createDirectories(KUBECONFIG.toAbsolutePath().getParent());
      Files.writeString(KUBECONFIG, """
          apiVersion: v1
          kind: Config
          clusters:
            - name: fake
              cluster: {server: "http://127.0.0.1:%d"}
          users:
            - name: fake
              user: {token: fake}
          contexts:
            - name: fake
              context: {cluster: fake, user: fake, namespace: ai}
          current-context: fake
          """.formatted(server.getAddress().getPort()));
      instance = api;
      return api;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Secret that later renders find in the namespace; data values given in plain text. */
  void putSecret(String namespace, String name, Map<String, String> base64Data) {
    secrets.put(namespace + "/" + name, base64Data);
  }

  void clearSecrets() {
    secrets.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Matcher secret = SECRET.matcher(path);
    if (path.equals("/api/v1")) {
      reply(exchange, 200, Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", "v1",
          "resources", List.of(Map.of("name", "secrets", "singularName", "secret", "namespaced", true,
              "kind", "Secret", "verbs", List.of("get", "list")))));
    } else if (secret.matches() && secrets.containsKey(secret.group(1) + "/" + secret.group(2))) {
      reply(exchange, 200, Map.of("kind", "Secret", "apiVersion", "v1",
          "metadata", Map.of("name", secret.group(2), "namespace", secret.group(1)),
          "type", "Opaque", "data", secrets.get(secret.group(1) + "/" + secret.group(2))));
    } else {
      reply(exchange, 404, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure",
          "reason", "NotFound", "code", 404, "message", path + " not found"));
    }
  }

  private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
