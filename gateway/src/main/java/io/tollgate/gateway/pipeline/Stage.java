package io.tollgate.gateway.pipeline;

import io.tollgate.gateway.outcome.Outcome;
import io.vertx.core.Future;

/**
 * One step of the request path. It reads and fills the exchange, and says whether the request
 * goes on ({@link Outcome#NEXT}) or how it ends; it never writes an HTTP answer itself.
 */
interface Stage {

  Future<Outcome> run(Exchange exchange);
}
