package io.tollgate.loadtest.scenario;

/**
 * A scenario's defaults for options the user did not give.
 *
 * @param requestRate        req/s per target (infinite = all at once); for ramp, the first step's rate
 * @param maxConcurrency     0 = no cap
 * @param numRequests        per target; 0 = the scenario runs by duration (ramp)
 * @param readDelayMs        slow readers: one SSE event per this many ms
 * @param abortFraction      share of clients that hang up mid-stream
 * @param receiveBufferBytes client SO_RCVBUF (small so slow readers push back promptly); 0 = OS default
 * @param firstTokenHoldMs   asks the simulator (via --sim-url) to hold every first token this long
 */
public record ScenarioDefaults(double requestRate, int maxConcurrency, long numRequests, int inputLen,
    int outputLen, boolean ignoreEos, long readDelayMs, double abortFraction, int receiveBufferBytes,
    long firstTokenHoldMs) {
}
