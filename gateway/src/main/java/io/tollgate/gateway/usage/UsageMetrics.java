package io.tollgate.gateway.usage;

/**
 * Counters of the RabbitMQ usage sink since it started (plain numbers for now; Micrometer later).
 *
 * @param emitted   events handed to the sink by the request path
 * @param queued    of those, taken into the bounded in-memory queue
 * @param published messages sent to the broker (first tries, retries and replays alike)
 * @param confirmed messages the broker confirmed (acked, and routed to the queue)
 * @param spooled   events written to the disk spool: a full queue, a broker away or a batch unconfirmed
 * @param replayed  spooled events published again and confirmed after the broker came back
 * @param dropped   events lost; stays 0 unless an event arrives after close or a spool file is torn
 * @param backlog   events in memory or in the spool, not yet confirmed
 * @param logged    events written to the write-ahead log
 * @param logSyncs  fsyncs of the write-ahead log (each covers a group of events)
 * @param recovered events found in the write-ahead log at start (a run killed before it delivered
 *                  them) and moved to the spool for replay
 * @param messages  AMQP messages the broker confirmed (each carries a batch of events: {@code confirmed}
 *                  divided by this is the mean batch)
 * @param logUnprepared write-ahead log segments an event loop created itself because the syncer had
 *                  none ready for it (a burst of rolls): file creations on a loop
 */
public record UsageMetrics(long emitted, long queued, long published, long confirmed, long spooled, long replayed,
                           long dropped, long backlog, long logged, long logSyncs, long recovered, long messages,
                           long logUnprepared) {
}
