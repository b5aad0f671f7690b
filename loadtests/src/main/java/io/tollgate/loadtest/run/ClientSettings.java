package io.tollgate.loadtest.run;

/**
 * How the load generator's HTTP client is set up.
 *
 * @param eventLoops          event loops driving requests; 1 is like vLLM's single asyncio loop
 * @param poolSizePerTarget   connections per target and loop: HTTP/1.1 without pipelining needs one per stream
 * @param connectTimeoutMs    TCP connect limit
 * @param receiveBufferBytes  SO_RCVBUF of each connection; small values make slow readers push back sooner; 0 = OS
 * @param trustAll            accept any TLS certificate (test gateways with self-signed certificates)
 */
public record ClientSettings(int eventLoops, int poolSizePerTarget, int connectTimeoutMs, int receiveBufferBytes,
    boolean trustAll) {

  public ClientSettings {
    if (eventLoops < 1 || poolSizePerTarget < 1) {
      throw new IllegalArgumentException("event loops and pool size must be >= 1");
    }
  }
}
