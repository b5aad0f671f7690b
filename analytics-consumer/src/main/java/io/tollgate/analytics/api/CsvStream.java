package io.tollgate.analytics.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Writes a database cursor to a response as CSV with back-pressure: lines gathered into chunks of
 * about 32 KiB, the cursor paused while the client's write queue is full, so memory stays flat
 * whatever the number of rows.
 */
final class CsvStream {

  private static final int CHUNK_BYTES = 32 * 1024;

  private CsvStream() {
  }

  /**
   * @param header  the first line, without its line end
   * @param line    appends one row's line, with its CRLF
   * @param trailer what follows the last row (read once the cursor ended; may be empty)
   */
  static Future<Void> write(RowStream<Row> rows, HttpServerResponse response, String header,
                            BiConsumer<Buffer, Row> line, Supplier<String> trailer) {
    Promise<Void> done = Promise.promise();
    Buffer chunk = Buffer.buffer(CHUNK_BYTES + 1024);
    chunk.appendString(header).appendString("\r\n");
    Buffer[] pending = {chunk};
    response.closeHandler(v -> {
      rows.close();
      done.tryFail("the client went away during the export");
    });
    rows.exceptionHandler(done::tryFail);
    rows.endHandler(v -> {
      response.end(pending[0].appendString(trailer.get()));
      done.tryComplete();
    });
    rows.handler(row -> {
      line.accept(pending[0], row);
      if (pending[0].length() >= CHUNK_BYTES) {
        response.write(pending[0]);
        pending[0] = Buffer.buffer(CHUNK_BYTES + 1024);
        if (response.writeQueueFull()) {
          rows.pause();
          response.drainHandler(d -> rows.resume());
        }
      }
    });
    return done.future();
  }
}
