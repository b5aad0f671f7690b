package io.tollgate.controlplane.api;

import io.tollgate.controlplane.auth.Role.Permission;
import io.tollgate.controlplane.usage.AnalyticsClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An org's usage and reliability from the analytics service, for callers who may read the org's
 * spend: the org is checked here (outsiders get 404 as everywhere), and only that org's figures are
 * asked for, with the analytics token that browsers never see.
 */
final class UsageApi {

  private final Pool pool;
  private final AnalyticsClient analytics;

  UsageApi(Pool pool, AnalyticsClient analytics) {
    this.pool = pool;
    this.analytics = analytics;
  }

  /** GET /api/v1/orgs/{org}/usage?from&to&granularity&group_by, as the analytics service's. */
  Future<Reply> usage(Call call) {
    String org = call.param("org");
    return ask(call, org, "/v1/orgs/" + AnalyticsClient.segment(org) + "/usage",
        List.of("from", "to", "granularity", "group_by"))
        .map(answer -> answer != null ? answer : emptyUsage(call, org));
  }

  /** GET /api/v1/orgs/{org}/reliability?from&to: per model and backend, this org's requests only. */
  Future<Reply> reliability(Call call) {
    String org = call.param("org");
    return ask(call, org, "/v1/reliability", List.of("from", "to"))
        .map(answer -> answer != null ? answer : Reply.ok(new JsonObject().put("data", new JsonArray())));
  }

  /**
   * GET /api/v1/orgs/{org}/usage/last-used: when each of the org's keys last sent a request (none
   * listed for an org the analytics service never saw).
   */
  Future<Reply> lastUsed(Call call) {
    String org = call.param("org");
    return ask(call, org, "/v1/orgs/" + AnalyticsClient.segment(org) + "/usage/last-used", List.of())
        .map(answer -> answer != null ? answer
            : Reply.ok(new JsonObject().put("org", org).put("data", new JsonArray())));
  }

  /**
   * GET /api/v1/orgs/{org}/usage/export?from&to: the org's usage events as CSV, streamed from the
   * analytics service as it sends them (memory stays flat for any range).
   */
  Future<Reply> export(Call call) {
    String org = call.param("org");
    return streamed(call, org, "/v1/orgs/" + AnalyticsClient.segment(org) + "/usage/export", List.of("from", "to"),
        "attachment; filename=\"usage-" + org + ".csv\"");
  }

  /**
   * GET /api/v1/orgs/{org}/statements/{month}?format: the org's monthly statement as JSON, CSV or the
   * printable HTML page, passed on as the analytics service sends it (with the page's own
   * Content-Security-Policy).
   */
  Future<Reply> statement(Call call) {
    String org = call.param("org");
    return streamed(call, org, "/v1/orgs/" + AnalyticsClient.segment(org) + "/statements/"
        + AnalyticsClient.segment(call.param("month")), List.of("format"), null);
  }

  private static final List<String> PASSED_ON = List.of("content-type", "content-disposition",
      "content-security-policy", "x-content-type-options");

  /**
   * Streams the analytics service's answer through, with its headers of {@link #PASSED_ON};
   * its refusals become this API's.
   *
   * @param disposition the Content-Disposition to send (null: the analytics service's, if any)
   */
  private Future<Reply> streamed(Call call, String org, String path, List<String> names, String disposition) {
    Map<String, String> query = query(call, org, names);
    HttpServerResponse out = call.context().response();
    return OrgsApi.read(pool, org)
        .compose(exists -> unreachable(analytics.open(path, query)))
        .compose(response -> {
          if (response.statusCode() != 200) {
            return response.body().map(body -> {
              refuse(new AnalyticsClient.Answer(response.statusCode(), body), org);
              return null;
            });
          }
          out.setChunked(true);
          PASSED_ON.forEach(header -> {
            String value = response.getHeader(header);
            if (value != null) {
              out.putHeader(header, value);
            }
          });
          if (disposition != null) {
            out.putHeader("content-disposition", disposition);
          }
          // Cut short half-way (the analytics service went away): reset, so that the client sees a
          // failed download rather than a CSV that looks whole.
          return response.pipe().endOnFailure(false).to(out).map(v -> Reply.answered())
              .recover(failure -> {
                out.reset();
                return Future.succeededFuture(Reply.answered());
              });
        });
  }

  /** The query for the analytics service: only {@code names}, from the request. */
  private Map<String, String> query(Call call, String org, List<String> names) {
    call.require(org, Permission.SPEND_READ);
    if (!analytics.configured()) {
      throw new ApiError(503, "usage is not available: this control plane has no analytics service "
          + "(TOLLGATE_ANALYTICS_URL and TOLLGATE_ANALYTICS_TOKEN)", List.of());
    }
    Map<String, String> query = new LinkedHashMap<>();
    names.forEach(name -> query.put(name, call.context().request().getParam(name)));
    return query;
  }

  private static <T> Future<T> unreachable(Future<T> asked) {
    return asked.recover(failure -> Future.failedFuture(new ApiError(503, "the analytics service cannot be reached ("
        + failure.getMessage() + ")", List.of())));
  }

  /** The analytics service's answer; null when it has never seen the org (no usage yet: not an error here). */
  private Future<Reply> ask(Call call, String org, String path, List<String> names) {
    Map<String, String> query = query(call, org, names);
    if (path.equals("/v1/reliability")) {
      query.put("org", org);
    }
    return OrgsApi.read(pool, org)
        .compose(exists -> unreachable(analytics.get(path, query)))
        .map(answer -> {
          if (answer.status() == 200) {
            return Reply.ok(answer.body().toJsonObject());
          }
          if (answer.status() == 404) {
            return null;
          }
          refuse(answer, org);
          return null;
        });
  }

  /** Throws what the analytics service refused as this API's error. */
  private static void refuse(AnalyticsClient.Answer answer, String org) {
    if (answer.status() == 404) {
      throw ApiError.notFound("usage of org " + org + " (none was ever recorded)");
    }
    if (answer.status() == 400) {
      throw ApiError.badRequest(message(answer));
    }
    throw new ApiError(503, "the analytics service answered " + answer.status() + ": " + message(answer), List.of());
  }

  private static Reply emptyUsage(Call call, String org) {
    JsonObject zero = new JsonObject().put("requests", 0).put("errors", 0).put("prompt_tokens", 0)
        .put("completion_tokens", 0).put("cached_tokens", 0).put("cost_usd", 0);
    return Reply.ok(new JsonObject().put("org", org).put("from", call.context().request().getParam("from"))
        .put("to", call.context().request().getParam("to"))
        .put("granularity", call.context().request().getParam("granularity"))
        .put("group_by", call.context().request().getParam("group_by", "model"))
        .put("data", new JsonArray()).put("totals", zero));
  }

  private static String message(AnalyticsClient.Answer answer) {
    try {
      JsonObject error = answer.body().toJsonObject().getJsonObject("error");
      return error == null ? answer.body().toString() : error.getString("message", answer.body().toString());
    } catch (DecodeException | ClassCastException e) {
      return answer.body().toString();
    }
  }
}
