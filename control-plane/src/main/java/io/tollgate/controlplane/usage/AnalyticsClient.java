package io.tollgate.controlplane.usage;

import io.tollgate.controlplane.config.AnalyticsLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The analytics service's API, asked with its token on behalf of a caller the API has already
 * scoped to one org. Only the control plane holds the token.
 */
public final class AnalyticsClient {

  /** An answer as the analytics service gave it. */
  public record Answer(int status, Buffer body) {
  }

  private final AnalyticsLink link;
  private final HttpClient client;

  public AnalyticsClient(Vertx vertx, AnalyticsLink link) {
    this.link = link;
    this.client = link.configured()
        ? vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setKeepAlive(true))
        : null;
  }

  public boolean configured() {
    return client != null;
  }

  /** GET {@code path} with the query {@code parameters} (null values left out), read whole. */
  public Future<Answer> get(String path, Map<String, String> parameters) {
    return open(path, parameters).compose(response -> response.body()
        .map(body -> new Answer(response.statusCode(), body)));
  }

  /** As {@link #get}, the response's body not read yet: for a CSV export, streamed on. */
  public Future<HttpClientResponse> open(String path, Map<String, String> parameters) {
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    parameters.forEach((name, value) -> {
      if (value != null) {
        query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    });
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(link.url() + path + query)
        .putHeader("authorization", "Bearer " + link.token()).putHeader("accept", "application/json")
        .setIdleTimeout(15_000);
    return client.request(options).compose(request -> request.send());
  }

  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
