package io.tollgate.gateway.it;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static io.tollgate.gateway.it.TestBed.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Graceful shutdown: streams in flight finish, readiness drops, nothing new is taken. */
class ShutdownTest {

  @Test
  void inFlightStreamsFinishWithinTheGraceAndNewConnectionsAreRefused() throws Exception {
    TestBed bed = TestBed.builder().simulators(1).simulatorConfig(c -> c.withInterTokenMillis(10)).start();
    try {
      Future<Http.Reply> stream = bed.vertx.executeBlocking(
          () -> Http.post(bed.client, "/v1/chat/completions", Http.chat(100, true), SECRET));
      long deadline = System.currentTimeMillis() + 5_000;
      while (bed.sim(1).stats().running() == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      Future<Void> shutdown = bed.gateway.shutdown(10_000);
      assertFalse(bed.gateway.services().lifecycle().ready(), "readiness drops at once");

      Http.Reply reply = TestBed.await(stream);
      assertEquals(200, reply.status());
      assertEquals(100, reply.tokenEvents(), "the stream finished");
      TestBed.await(shutdown);
      assertEquals(1, bed.usage.events().size(), "its usage was accounted");

      io.vertx.core.http.HttpClient fresh = bed.vertx.createHttpClient(
          new io.vertx.core.http.HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(bed.gateway.port()));
      assertThrows(Exception.class, () -> Http.post(fresh, "/v1/chat/completions", Http.chat(2, true), SECRET),
          "the listener is closed");
    } finally {
      bed.guarded.closeAndAssert();
    }
  }
}
