package io.tollgate.analytics.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a batch of usage events in one statement, hence one transaction: the raw rows with
 * {@code ON CONFLICT (event_id) DO NOTHING}, and the hourly and daily rollups from the rows that
 * were actually inserted. A redelivered event therefore changes neither the raw table nor the
 * rollups, and the rollups always equal the sums of the raw rows.
 */
public final class UsageWriter {

  private static final String ROLLUP_COLUMNS =
      "(org_id, bucket, key_id, model, requests, errors, prompt_tokens, completion_tokens, cached_tokens, cost_usd)";

  private static String rollup(String table, String unit) {
    return "INSERT INTO " + table + " AS r " + ROLLUP_COLUMNS
        + " SELECT org_id, date_trunc('" + unit + "', time, 'UTC'), key_id, model, count(*),"
        + " count(*) FILTER (WHERE failed), sum(prompt_tokens), sum(completion_tokens), sum(cached_tokens), sum(cost_usd)"
        + " FROM inserted GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4" // one lock order for concurrent writers
        + " ON CONFLICT (org_id, bucket, key_id, model) DO UPDATE SET"
        + " requests = r.requests + excluded.requests, errors = r.errors + excluded.errors,"
        + " prompt_tokens = r.prompt_tokens + excluded.prompt_tokens,"
        + " completion_tokens = r.completion_tokens + excluded.completion_tokens,"
        + " cached_tokens = r.cached_tokens + excluded.cached_tokens, cost_usd = r.cost_usd + excluded.cost_usd"
        + " RETURNING 1";
  }

  static final String INSERT = "WITH input AS ("
      + " SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],"
      + " $7::text[], $8::text[], $9::text[], $10::int4[], $11::text[], $12::bool[], $13::int8[], $14::int8[],"
      + " $15::int8[], $16::numeric[], $17::float8[], $18::float8[], $19::bool[], $20::int8[], $21::text[],"
      + " $22::int8[], $23::float8[])"
      + " AS t(event_id, time, request_id, org_id, key_id, endpoint, model_requested, model_served, backend_id,"
      + " status, error_kind, stream, prompt_tokens, completion_tokens, cached_tokens, cost_usd, ttft_ms,"
      + " latency_ms, client_disconnected, config_version, endpoint_family, reasoning_tokens, audio_seconds)),"
      + " inserted AS (INSERT INTO usage_events (event_id, time, request_id, org_id, key_id, endpoint,"
      + " model_requested, model_served, backend_id, status, error_kind, stream, prompt_tokens, completion_tokens,"
      + " cached_tokens, cost_usd, ttft_ms, latency_ms, client_disconnected, config_version, endpoint_family,"
      + " reasoning_tokens, audio_seconds)"
      + " SELECT * FROM input ON CONFLICT (event_id) DO NOTHING"
      + " RETURNING time, org_id, key_id, coalesce(model_requested, '') AS model,"
      + " (status >= 400 OR error_kind IS NOT NULL) AS failed, prompt_tokens, completion_tokens, cached_tokens, cost_usd),"
      + " hourly AS (" + rollup("usage_hourly", "hour") + "),"
      + " daily AS (" + rollup("usage_daily", "day") + ")"
      + " SELECT count(*) AS inserted FROM inserted";

  private final Pool pool;

  public UsageWriter(Pool pool) {
    this.pool = pool;
  }

  /** Stores the batch; the future holds how many events were new (the rest were repeats). */
  public Future<Integer> write(List<UsageRecord> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(0);
    }
    // The same event twice in one batch would be one row anyway; dropping it here keeps the
    // statement simple.
    Map<UUID, UsageRecord> unique = new LinkedHashMap<>();
    batch.forEach(record -> unique.putIfAbsent(record.eventId(), record));
    return pool.preparedQuery(INSERT).execute(columns(List.copyOf(unique.values())))
        .map(rows -> {
          Row row = rows.iterator().next();
          return row.getLong("inserted").intValue();
        });
  }

  private static Tuple columns(List<UsageRecord> records) {
    int n = records.size();
    UUID[] eventId = new UUID[n];
    OffsetDateTime[] time = new OffsetDateTime[n];
    String[] requestId = new String[n];
    String[] orgId = new String[n];
    String[] keyId = new String[n];
    String[] endpoint = new String[n];
    String[] modelRequested = new String[n];
    String[] modelServed = new String[n];
    String[] backendId = new String[n];
    Integer[] status = new Integer[n];
    String[] errorKind = new String[n];
    Boolean[] stream = new Boolean[n];
    Long[] promptTokens = new Long[n];
    Long[] completionTokens = new Long[n];
    Long[] cachedTokens = new Long[n];
    Numeric[] cost = new Numeric[n];
    Double[] ttft = new Double[n];
    Double[] latency = new Double[n];
    Boolean[] disconnected = new Boolean[n];
    Long[] configVersion = new Long[n];
    String[] family = new String[n];
    Long[] reasoningTokens = new Long[n];
    Double[] audioSeconds = new Double[n];
    for (int i = 0; i < n; i++) {
      UsageRecord r = records.get(i);
      eventId[i] = r.eventId();
      time[i] = r.time();
      requestId[i] = r.requestId();
      orgId[i] = r.orgId();
      keyId[i] = r.keyId();
      endpoint[i] = r.endpoint();
      modelRequested[i] = r.modelRequested();
      modelServed[i] = r.modelServed();
      backendId[i] = r.backendId();
      status[i] = r.status();
      errorKind[i] = r.errorKind();
      stream[i] = r.stream();
      promptTokens[i] = r.promptTokens();
      completionTokens[i] = r.completionTokens();
      cachedTokens[i] = r.cachedTokens();
      cost[i] = Numeric.create(r.costUsd());
      ttft[i] = r.ttftMs();
      latency[i] = r.latencyMs();
      disconnected[i] = r.clientDisconnected();
      configVersion[i] = r.configVersion();
      family[i] = r.endpointFamily();
      reasoningTokens[i] = r.reasoningTokens();
      audioSeconds[i] = r.audioSeconds();
    }
    return Tuple.tuple(List.<Object>of(eventId, time, requestId, orgId, keyId, endpoint, modelRequested, modelServed,
        backendId, status, errorKind, stream, promptTokens, completionTokens, cachedTokens, cost, ttft, latency,
        disconnected, configVersion, family, reasoningTokens, audioSeconds));
  }
}
