package io.tollgate.analytics.ingest;

/**
 * Counters of the consumer since it started.
 *
 * @param received     events in the messages delivered by the broker (redeliveries included)
 * @param inserted     events stored for the first time
 * @param duplicates   events already stored (a redelivery, or a gateway replay of an event whose
 *                     confirm was lost)
 * @param deadLettered events sent to the dead-letter queue with the reason (an unreadable batch
 *                     counts once)
 * @param batches      batches committed and acknowledged
 * @param writeRetries batch writes retried after a PostgreSQL failure
 * @param connects     connections made to the broker
 * @param messages     messages delivered by the broker (one event each, or a batch of them)
 */
public record IngestMetrics(long received, long inserted, long duplicates, long deadLettered, long batches,
                            long writeRetries, long connects, long messages) {
}
