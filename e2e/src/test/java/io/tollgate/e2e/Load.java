package io.tollgate.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steady load on both gateways from a few client threads, as applications behind a load balancer: a
 * request whose connection fails or is cut before the whole answer arrived is sent again to the other
 * replica, up to {@link #MAX_ATTEMPTS} times. Each attempt carries its own x-request-id, so the usage
 * rows can be matched to attempts one by one.
 */
final class Load implements AutoCloseable {

  static final int MAX_ATTEMPTS = 6;

  /** One HTTP attempt: answered (a whole response, whatever its status) or cut; detail: an error answer's code. */
  record Attempt(String requestId, String gatewayUrl, boolean stream, long endedAtMillis, int status, boolean answered,
                 String detail) {
  }

  private final List<String> gateways;
  private final String apiKey;
  private final String model;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger sequence = new AtomicInteger();
  final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  /** Logical requests that never got an answer from any replica. */
  final ConcurrentLinkedQueue<String> unanswered = new ConcurrentLinkedQueue<>();
  private final List<Thread> threads = new ArrayList<>();

  Load(List<String> gateways, String apiKey, String model, int clients) {
    this.gateways = gateways;
    this.apiKey = apiKey;
    this.model = model;
    for (int i = 0; i < clients; i++) {
      Thread thread = new Thread(this::run, "e2e-load-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  private void run() {
    while (running.get()) {
      int n = sequence.incrementAndGet();
      boolean stream = n % 2 == 0;
      boolean answered = false;
      for (int attempt = 0; attempt < MAX_ATTEMPTS && !answered; attempt++) {
        String gateway = gateways.get((n + attempt) % gateways.size());
        Attempt result = send(gateway, "e2e-load-" + n + "-a" + attempt, stream);
        attempts.add(result);
        answered = result.answered();
        if (!answered) {
          Await.sleep(200L * (attempt + 1));
        }
      }
      if (!answered) {
        unanswered.add("request " + n);
      }
    }
  }

  private Attempt send(String gateway, String requestId, boolean stream) {
    String body = "{\"model\":\"" + model + "\",\"max_tokens\":8,\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + Completions.PROMPT + "\"}]}";
    HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json").header("x-request-id", requestId)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> response = Http.client().send(request, HttpResponse.BodyHandlers.ofString());
      // A stream is answered once its [DONE] arrived (a mid-stream failure is answered too: an error
      // event, then [DONE]); a body cut short means the gateway died under it.
      boolean whole = !stream || response.statusCode() != 200 || response.body().contains("data: [DONE]");
      return new Attempt(requestId, gateway, stream, System.currentTimeMillis(), response.statusCode(), whole,
          !whole ? "stream cut before [DONE]" : response.statusCode() == 200 ? oddities(requestId, stream, response)
              : errorCode(response.body()));
    } catch (IOException e) {
      return new Attempt(requestId, gateway, stream, System.currentTimeMillis(), 0, false, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Attempt(requestId, gateway, stream, System.currentTimeMillis(), 0, false, "interrupted");
    }
  }

  /**
   * What is odd about a 200, for the report of a request without a usage row (one early whole answer
   * in a few runs had none, and no access-log line either): the request id the gateway echoed when it
   * is not ours, a whole answer without usage (and the backend it names). Empty when nothing is.
   */
  private static String oddities(String requestId, boolean stream, HttpResponse<String> response) {
    String echoed = response.headers().firstValue("x-request-id").orElse("(none)");
    List<String> odd = new ArrayList<>();
    if (!requestId.equals(echoed)) {
      odd.add("x-request-id came back as " + echoed);
    }
    if (!stream && !response.body().contains("\"usage\"")) {
      odd.add("no usage in the body (" + response.body().length() + " bytes, backend "
          + response.headers().firstValue("x-tollgate-backend").orElse("(none)") + ")");
    }
    return String.join("; ", odd);
  }

  /** OpenAI's error.code of an error answer, or its body when it is not one. */
  private static String errorCode(String body) {
    try {
      return new io.vertx.core.json.JsonObject(body).getJsonObject("error").getString("code");
    } catch (RuntimeException e) {
      return body;
    }
  }

  List<Attempt> answered() {
    return attempts.stream().filter(Attempt::answered).toList();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(60_000);
    }
  }
}
