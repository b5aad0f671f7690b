package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.config.ApiKeySpec;
import io.tollgate.gateway.config.OrgSpec;
import io.tollgate.gateway.limit.AdmissionRequest;
import io.tollgate.gateway.limit.Limiter;
import io.tollgate.gateway.metrics.GatewayMetrics;
import io.tollgate.gateway.outcome.Outcome;
import io.tollgate.gateway.outcome.Refusal;
import io.tollgate.gateway.request.CompletionRequest;
import io.vertx.core.Future;

/**
 * Limits and budgets of the key and its org, in one step: the request's worst case (prompt estimate
 * plus max_tokens, and its cost) is reserved, to be settled with the real usage at the end.
 */
final class Admit implements Stage {

  private final Limiter limiter;
  private final GatewayMetrics metrics;

  Admit(Limiter limiter, GatewayMetrics metrics) {
    this.limiter = limiter;
    this.metrics = metrics;
  }

  @Override
  public Future<Outcome> run(Exchange exchange) {
    CompletionRequest completion = exchange.completion;
    ApiKeySpec key = exchange.key;
    long completionTokens = exchange.endpoint.generates()
        ? (completion.maxTokens() > 0 ? completion.maxTokens() : exchange.snapshot.defaultMaxTokens())
        : 0;
    OrgSpec org = exchange.snapshot.org(key.org());
    AdmissionRequest request = new AdmissionRequest(key.id(), key.org(), key.limits(), org.limits(),
        completion.promptTokenEstimate() + completionTokens,
        exchange.route.prices().costMicros(completion.promptTokenEstimate(), completionTokens),
        key.budget(), org.budget(), exchange.route.timeouts().totalMs());
    long start = System.nanoTime();
    return limiter.admit(request)
        .map(decision -> {
          if ("redis".equals(decision.decidedBy())) {
            metrics.redisAdmissionTime(System.nanoTime() - start);
          }
          metrics.admission(decision.admitted() ? "admitted" : decision.error().code(), decision.decidedBy());
          exchange.admission = decision;
          if (!decision.admitted()) {
            return Outcome.refused(decision.error());
          }
          exchange.span.event("admitted");
          return Outcome.CONTINUE;
        })
        .otherwise(cause -> Outcome.refused(Refusal.internal("admission failed")));
  }
}
