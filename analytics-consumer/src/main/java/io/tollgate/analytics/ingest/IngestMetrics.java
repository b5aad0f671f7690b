package io.tollgate.analytics.ingest;

/**
 * Counters of the consumer since it started.
 *
 * @param received     messages delivered by the broker (redeliveries included)
 * @param inserted     events stored for the first time
 * @param duplicates   events already stored (a redelivery, or a gateway replay of an event whose
 *                     confirm was lost)
 * @param deadLettered messages sent to the dead-letter queue with the reason
 * @param batches      batches committed and acknowledged
 * @param writeRetries batch writes retried after a PostgreSQL failure
 * @param connects     connections made to the broker
 */
public record IngestMetrics(long received, long inserted, long duplicates, long deadLettered, long batches,
                            long writeRetries, long connects) {
}
