package io.tollgate.controlplane.fleet;

import io.tollgate.controlplane.api.ApiError;
import io.tollgate.controlplane.api.Call;
import io.tollgate.controlplane.api.Fields;
import io.tollgate.controlplane.api.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What each gateway instance last told the control plane (docs/adr/0018-gateways-report-their-view.md):
 * the control plane's config version it runs and its own view of the backends (load, health,
 * ejections). A gateway reports after each config poll; the control plane keeps the latest report
 * per instance in one Redis hash, {@code <prefix>:gateways}, stamped with its own clock.
 */
public final class GatewayReports {

  /** Reports older than this are forgotten when the list is read: an instance gone for a day is gone. */
  static final long FORGET_AFTER_MS = 24L * 60 * 60 * 1000;
  /** A pool holds at most 64 backends (ADR 0006); a gateway serves a few pools. */
  static final int MAX_BACKENDS = 512;
  private static final Pattern INSTANCE = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");

  private final Redis redis;
  private final String key;

  public GatewayReports(Redis redis, String prefix) {
    this.redis = redis;
    this.key = prefix + ":gateways";
  }

  /** PUT /api/v1/gateways/{instance}: config readers (the gateways) and platform admins. */
  public Future<Reply> report(Call call) {
    call.requireConfigReader();
    String instance = call.param("instance");
    if (!INSTANCE.matcher(instance).matches()) {
      throw ApiError.badRequest("instance must be 1 to 128 letters, digits or . _ : - (got \"" + instance + "\")");
    }
    JsonObject body = call.body() == null ? new JsonObject() : call.body();
    Fields fields = new Fields(body);
    Object version = body.getValue("configVersion");
    if (!(version instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < 0) {
      fields.refuse("configVersion", "is required: the control plane's config version this gateway runs (0: none yet)");
    }
    Object backends = body.getValue("backends");
    if (!(backends instanceof JsonArray list)) {
      fields.refuse("backends", "is required: this gateway's view of its backends (may be empty)");
    } else if (list.size() > MAX_BACKENDS) {
      fields.refuse("backends", "holds at most " + MAX_BACKENDS + " backends");
    } else {
      for (int i = 0; i < list.size(); i++) {
        if (!(list.getValue(i) instanceof JsonObject backend) || !(backend.getValue("id") instanceof String)) {
          fields.refusePath("$.backends[" + i + "]", "must be an object with the backend's id");
        }
      }
    }
    fields.check();
    JsonObject stored = new JsonObject()
        .put("instance", instance)
        .put("configVersion", ((Number) version).longValue())
        .put("reportedAt", Instant.now().toString())
        .put("reportedBy", call.caller().actor())
        .put("backends", backends);
    return redis.send(Request.cmd(Command.HSET).arg(key).arg(instance).arg(stored.encode()))
        .map(ok -> Reply.noContent());
  }

  /** GET /api/v1/gateways: platform admins; every instance heard from within a day, by name. */
  public Future<Reply> list(Call call) {
    call.requirePlatformAdmin();
    return redis.send(Request.cmd(Command.HGETALL).arg(key)).compose(this::fresh).map(Reply::ok);
  }

  private Future<JsonArray> fresh(Response all) {
    long now = System.currentTimeMillis();
    List<JsonObject> reports = new ArrayList<>();
    List<String> forgotten = new ArrayList<>();
    entries(all).forEach((instance, value) -> {
      try {
        JsonObject report = new JsonObject(value);
        long ageMs = now - Instant.parse(report.getString("reportedAt")).toEpochMilli();
        if (ageMs > FORGET_AFTER_MS) {
          forgotten.add(instance);
        } else {
          reports.add(report.put("ageMs", Math.max(0, ageMs)));
        }
      } catch (RuntimeException unreadable) {
        forgotten.add(instance); // not written by this class: nothing to show
      }
    });
    reports.sort(Comparator.comparing(report -> report.getString("instance")));
    JsonArray answer = new JsonArray(new ArrayList<>(reports));
    if (forgotten.isEmpty()) {
      return Future.succeededFuture(answer);
    }
    Request forget = Request.cmd(Command.HDEL).arg(key);
    forgotten.forEach(forget::arg);
    return redis.send(forget).map(answer);
  }

  /** HGETALL's answer: a map in RESP3, a flat field/value array in RESP2. */
  private static Map<String, String> entries(Response hash) {
    Map<String, String> entries = new LinkedHashMap<>();
    if (hash == null || hash.size() == 0) {
      return entries;
    }
    if (hash.getKeys() != null && !hash.getKeys().isEmpty()) {
      hash.getKeys().forEach(field -> entries.put(field, hash.get(field).toString()));
    } else {
      for (int i = 0; i + 1 < hash.size(); i += 2) {
        entries.put(hash.get(i).toString(), hash.get(i + 1).toString());
      }
    }
    return entries;
  }
}
