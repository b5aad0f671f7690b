package io.tollgate.controlplane.audit;

import io.tollgate.controlplane.store.AuditStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.controlplane.observability.RequestObserver;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Refused attempts in the audit log, as action {@code refused}: who (the user, or {@code anonymous}),
 * what (method, route, and the target the path names) and why (status and message). Attempts to
 * change something are recorded whatever refused them; reads only when the caller was refused as
 * such (401, 403). A refusal changes nothing, so its row is written on its own, after the answer.
 * Anonymous attempts are capped per minute: anyone can send them, and the log must not be theirs to
 * fill; the rest are only counted.
 */
public final class RefusedAttempts {

  private static final Logger LOG = Logger.getLogger(RefusedAttempts.class.getName());
  public static final String ACTION = "refused";
  public static final String ANONYMOUS = "anonymous";
  /** Anonymous refusals audited per minute at most, per process. */
  static final int ANONYMOUS_PER_MINUTE = 60;
  private static final Map<String, String> KINDS = Map.of("backends", "backend", "models", "model", "routes", "route",
      "policies", "policy", "users", "user");

  private final Pool pool;
  private final AtomicReference<long[]> minute = new AtomicReference<>(new long[] {0, 0});
  private final Counter audited;
  private final Counter capped;
  private final Counter failed;

  /** @param registry where {@code tollgate_control_plane_refused_attempts_total{outcome}} is counted */
  public RefusedAttempts(Pool pool, MeterRegistry registry) {
    this.pool = pool;
    this.audited = outcome(registry, "audited");
    this.capped = outcome(registry, "capped");
    this.failed = outcome(registry, "failed");
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder("tollgate.control.plane.refused.attempts")
        .description("Refused API attempts: audited, capped (anonymous past 60 a minute, not written) or failed "
            + "(the audit row could not be written)")
        .tag("outcome", outcome).register(registry);
  }

  /** Records the refusal {@code status, message} of this request if it is one the audit keeps. */
  public void record(RoutingContext ctx, int status, String message) {
    HttpMethod method = ctx.request().method();
    boolean change = method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
    if (status < 400 || status >= 500 || !(change || status == 401 || status == 403)
        || !ctx.request().path().startsWith("/api/")) {
      return;
    }
    String actor = RequestObserver.actorOf(ctx);
    if (actor == null && !anonymousAllowed()) {
      capped.increment();
      return;
    }
    String route = RequestObserver.route(ctx);
    JsonObject why = new JsonObject().put("method", method.name()).put("route", route).put("status", status)
        .put("reason", message);
    Audit.Entry entry = new Audit.Entry(actor == null ? ANONYMOUS : actor, ACTION, target(ctx, route), null, why,
        RequestObserver.requestId(ctx));
    AuditStore.write(pool, entry).onSuccess(v -> {
      Tx.committedAuditRows(1);
      audited.increment();
    }).onFailure(failure -> {
      failed.increment();
      LOG.warning("refused attempt not audited (" + failure + "): " + entry);
    });
  }

  /** What the path names, as the audit's targets are written ("org:acme/key:ci", "backend:gpu-a"). */
  static String target(RoutingContext ctx, String route) {
    String org = ctx.pathParam("org");
    String id = ctx.pathParam("id");
    String email = ctx.pathParam("email");
    if (org != null) {
      return "org:" + org + (email != null ? "/member:" + email : id != null ? "/key:" + id : "");
    }
    String[] segments = ctx.request().path().split("/");
    String kind = segments.length > 3 ? KINDS.get(segments[3]) : null;
    if (kind != null && (id != null || email != null)) {
      return kind + ":" + (id != null ? id : email);
    }
    // No route: the path says what was tried (cut short: anyone can send any path).
    String path = ctx.request().path();
    return "api:" + (RequestObserver.UNMATCHED.equals(route) ? path.substring(0, Math.min(path.length(), 200)) : route);
  }

  /** A fixed window: at most {@link #ANONYMOUS_PER_MINUTE} per wall-clock minute. */
  private boolean anonymousAllowed() {
    long now = System.currentTimeMillis() / 60_000;
    while (true) {
      long[] current = minute.get();
      long[] next = current[0] == now ? new long[] {now, current[1] + 1} : new long[] {now, 1};
      if (next[1] > ANONYMOUS_PER_MINUTE) {
        return false;
      }
      if (minute.compareAndSet(current, next)) {
        return true;
      }
    }
  }
}
