package io.tollgate.analytics.store;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One usage event, typed, as it is stored (see config/schemas/usage-event.json). The last three
 * were added to the schema later: an older gateway's event has no family (null) and zero counts.
 */
public record UsageRecord(
    UUID eventId,
    OffsetDateTime time,
    String requestId,
    String orgId,
    String keyId,
    String endpoint,
    String modelRequested,
    String modelServed,
    String backendId,
    int status,
    String errorKind,
    boolean stream,
    long promptTokens,
    long completionTokens,
    long cachedTokens,
    BigDecimal costUsd,
    Double ttftMs,
    double latencyMs,
    boolean clientDisconnected,
    long configVersion,
    String endpointFamily,
    long reasoningTokens,
    double audioSeconds) {

  /** The org and key id of an anonymous event (answered before a key was authenticated). */
  public static final String ANONYMOUS = "";
}
