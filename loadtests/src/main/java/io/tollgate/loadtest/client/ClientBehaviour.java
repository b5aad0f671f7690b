package io.tollgate.loadtest.client;

/**
 * How a simulated client reads its stream.
 *
 * @param readDelayMillis   &gt; 0: a slow reader; it handles one SSE event per this many ms and keeps the socket
 *                          paused while events wait, so the server sees TCP back-pressure
 * @param abortAfterChunks  &gt;= 0: cut the connection after this many token chunks (the aborts scenario); -1 never
 * @param timeoutMillis     whole-request limit, after which the request is reset and counted as a timeout
 */
public record ClientBehaviour(long readDelayMillis, int abortAfterChunks, long timeoutMillis) {

  public static ClientBehaviour normal(long timeoutMillis) {
    return new ClientBehaviour(0, -1, timeoutMillis);
  }

  public ClientBehaviour withAbortAfterChunks(int chunks) {
    return new ClientBehaviour(readDelayMillis, chunks, timeoutMillis);
  }

  public boolean slowReader() {
    return readDelayMillis > 0;
  }
}
