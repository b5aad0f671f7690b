package io.tollgate.controlplane.api;

import io.tollgate.controlplane.alerts.Channel;
import io.tollgate.controlplane.alerts.Notice;
import io.tollgate.controlplane.alerts.Senders;
import io.tollgate.controlplane.alerts.WebhookEgress;
import io.tollgate.controlplane.auth.Role.Permission;
import io.tollgate.controlplane.schema.Shape;
import io.tollgate.controlplane.store.AlertChannelStore;
import io.tollgate.controlplane.store.AlertStore;
import io.tollgate.controlplane.store.Problem;
import io.tollgate.controlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An org's budget alert channels (who may change budgets manages them; whoever may read spend
 * sees them and the alert history) and its alert history, a page at a time, newest first.
 */
final class AlertsApi {

  static final Shape CHANNEL = Shape.leaves("id", "type", "url", "email");
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;
  private final Senders senders;

  AlertsApi(Pool pool, Senders senders) {
    this.pool = pool;
    this.senders = senders;
  }

  Future<Reply> addChannel(Call call) {
    String org = call.param("org");
    call.require(org, Permission.BUDGET_WRITE);
    Fields fields = call.fields().strict(CHANNEL);
    String id = fields.slug("id", true);
    String type = fields.oneOf(fields.body(), "$", "type", Channel.TYPES, null);
    if (type == null && fields.body().getValue("type") == null) {
      fields.refuse("type", "is required: one of " + Channel.TYPES);
    }
    String target = null;
    if ("email".equals(type)) {
      target = fields.string("email", true);
      if (target != null && !EMAIL.matcher(target).matches()) {
        fields.refuse("email", "must be an email address");
      }
      if (fields.body().containsKey("url")) {
        fields.refuse("url", "is for webhook channels; an email channel has an email");
      }
      if (!senders.emailConfigured()) {
        fields.refuse("type", "email needs an SMTP server, and this control plane has none (TOLLGATE_SMTP_HOST)");
      }
    } else if (type != null) {
      target = fields.string("url", true);
      if (target != null && !webUrl(target)) {
        fields.refuse("url", "must be an absolute http(s) URL");
      } else if (target != null) {
        String refusal = senders.egress().refuseHost(URI.create(target));
        if (refusal != null) {
          fields.refuse("url", refusal);
        }
      }
      if (fields.body().containsKey("email")) {
        fields.refuse("email", "is for email channels; a " + type + " channel has a url");
      }
    }
    fields.check();
    // The generic webhook is signed; its key is shown in this answer only.
    String secret = "webhook".equals(type) ? newSecret() : null;
    Channel channel = new Channel(org, id, type, target, secret);
    // The addresses the URL's host resolves to must be ones the control plane may post to (SSRF).
    Future<Void> allowed = channel.email() ? Future.succeededFuture() : senders.checkWebhook(URI.create(target))
        .recover(failure -> Future.failedFuture(failure instanceof WebhookEgress.Refused
            ? ApiError.invalid(List.of(new Problem("$.url", failure.getMessage()))) : failure));
    return allowed.compose(checked -> Tx.<JsonObject>audited(pool, tx -> OrgsApi.read(tx, org)
            .compose(o -> AlertChannelStore.insert(tx, channel))
            .map(created -> new Tx.Change<>(shown(created), call.audit("alert.channel.create",
                target(org, id), null, shown(created))))))
        .map(created -> Reply.created(secret == null ? created : created.copy().put("secret", secret)));
  }

  Future<Reply> listChannels(Call call) {
    String org = call.param("org");
    call.require(org, Permission.SPEND_READ);
    return OrgsApi.read(pool, org).compose(o -> AlertChannelStore.list(pool, org)).map(channels -> {
      JsonArray shown = new JsonArray();
      channels.forEach(channel -> shown.add(shown((JsonObject) channel)));
      return Reply.ok(shown);
    });
  }

  Future<Reply> removeChannel(Call call) {
    String org = call.param("org");
    String id = call.param("id");
    call.require(org, Permission.BUDGET_WRITE);
    return Tx.<JsonObject>audited(pool, tx -> AlertChannelStore.delete(tx, org, id)
            .map(removed -> new Tx.Change<>(shown(removed), call.audit("alert.channel.delete", target(org, id),
                shown(removed), null))))
        .map(removed -> Reply.noContent());
  }

  /** Sends a test message now and answers whether it arrived (and why not). */
  Future<Reply> testChannel(Call call) {
    String org = call.param("org");
    String id = call.param("id");
    call.require(org, Permission.BUDGET_WRITE);
    return AlertChannelStore.read(pool, org, id).compose(channel -> senders.send(channel, Notice.test(channel,
            Instant.now()))
        .map(sent -> new JsonObject().put("channel", id).put("delivered", true))
        .otherwise(failure -> new JsonObject().put("channel", id).put("delivered", false)
            .put("reason", failure.getMessage())))
        .map(Reply::ok);
  }

  Future<Reply> history(Call call) {
    String org = call.param("org");
    call.require(org, Permission.SPEND_READ);
    MultiMap params = call.context().queryParams();
    Fields fields = new Fields(new JsonObject());
    Long before = null;
    if (params.get("before") != null) {
      try {
        before = Long.parseLong(params.get("before"));
      } catch (NumberFormatException e) {
        fields.refuse("before", "must be the next of the previous page (a number)");
      }
    }
    int limit = DEFAULT_LIMIT;
    if (params.get("limit") != null) {
      try {
        limit = Integer.parseInt(params.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        fields.refuse("limit", "must be a number from 1 to " + MAX_LIMIT + " (page with before)");
      }
    }
    if (!fields.errors().isEmpty()) {
      throw new ApiError(400, "invalid query: " + fields.errors().size() + " parameter(s) refused", fields.errors());
    }
    Long page = before;
    int size = limit;
    return OrgsApi.read(pool, org).compose(o -> AlertStore.history(pool, org, page, size)).map(Reply::ok);
  }

  /**
   * A channel as listed: a webhook URL is a credential (whoever has a Slack or Teams webhook URL
   * can post to the channel), so only its scheme and host are shown after creation.
   */
  private static JsonObject shown(JsonObject channel) {
    if ("email".equals(channel.getString("type"))) {
      return channel;
    }
    URI url = URI.create(channel.getString("target"));
    return channel.copy().put("target", url.getScheme() + "://" + url.getAuthority() + "/…");
  }

  private static boolean webUrl(String text) {
    try {
      URI url = URI.create(text);
      return url.isAbsolute() && ("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
          && url.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String target(String org, String channel) {
    return "org:" + org + "/alert-channel:" + channel;
  }
}
