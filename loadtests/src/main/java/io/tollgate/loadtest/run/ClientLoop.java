package io.tollgate.loadtest.run;

import io.vertx.core.Context;
import io.vertx.core.http.HttpClient;

/** An event loop of the load generator and the HTTP client whose connections live on it. */
record ClientLoop(Context context, HttpClient client) {
}
