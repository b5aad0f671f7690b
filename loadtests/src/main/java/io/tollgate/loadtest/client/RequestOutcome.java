package io.tollgate.loadtest.client;

/**
 * The measured life of one streaming request, in vLLM's bench terms. Times are {@link System#nanoTime()}
 * based; latencies are relative to the moment the request was handed to the HTTP client (vLLM's {@code st}).
 *
 * @param target                 index of the target it went to (0 = A, 1 = B)
 * @param sendNanos              when it was sent
 * @param endNanos               when it finished (completed, failed or aborted)
 * @param ttftNanos              send → first event with non-empty {@code choices}; -1 if none came
 * @param latencyNanos           E2EL: send → last event with non-empty {@code choices}; -1 if none came
 * @param itlMicros              gaps between successive choice events (only the first {@code itlCount} are valid)
 * @param itlCount               number of gaps
 * @param outputTokens           {@code usage.completion_tokens}, or the count of text-bearing chunks when absent
 * @param outputFromUsage        whether outputTokens came from the usage chunk
 * @param promptTokens           {@code usage.prompt_tokens}, or the workload's planned prompt length when absent
 * @param aborted                the client cut the stream on purpose (aborts scenario): neither success nor failure
 * @param failure                why it failed, or null
 */
public record RequestOutcome(int target, long sendNanos, long endNanos, long ttftNanos, long latencyNanos,
    long[] itlMicros, int itlCount, int outputTokens, boolean outputFromUsage, int promptTokens, boolean aborted,
    Failure failure) {

  public boolean success() {
    return failure == null && !aborted;
  }
}
