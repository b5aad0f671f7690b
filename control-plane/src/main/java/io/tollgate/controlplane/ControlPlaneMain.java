package io.tollgate.controlplane;

import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.tollgate.frontdoor.PortCheck;
import io.tollgate.logging.AsyncLogHandler;
import io.tollgate.logging.Logging;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** {@code java -jar tollgate-control-plane.jar}: settings from the environment (docs/control-plane.md). */
public final class ControlPlaneMain {

  private static final Logger LOG = Logger.getLogger(ControlPlaneMain.class.getName());

  private ControlPlaneMain() {
  }

  public static void main(String[] args) {
    // Vert.x, Netty, Flyway and the control plane all log through java.util.logging, asynchronously:
    // JSON lines by default, text for people at a terminal.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
    String format = Logging.format(null, "json");
    AsyncLogHandler logs = Logging.configure(format);
    if (!format.equalsIgnoreCase("json") && !format.equalsIgnoreCase("text")) {
      LOG.warning("TOLLGATE_LOG_FORMAT is json or text, not '" + format + "': writing json");
    }
    ControlPlaneSettings settings;
    try {
      Logging.levels(System.getenv(Logging.LEVELS_ENV));
      settings = ControlPlaneSettings.fromEnv(System.getenv());
      // Before migrations and connections: a port in use is refused naming the variable that sets it.
      PortCheck.requireFree("0.0.0.0", settings.port(), "TOLLGATE_CONTROL_PLANE_PORT");
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("tollgate-control-plane: cannot start: " + e.getMessage());
      logs.flush();
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    ControlPlane.start(vertx, settings)
        .onSuccess(plane -> {
          LOG.info("control plane listening on " + (settings.tls().enabled() ? "https" : "http") + " :" + plane.port()
              + " (schema " + settings.schema() + ")");
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              plane.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
              // Awaited on its own: a continuation chained after vertx.close() has no event loop to run on.
              vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
              LOG.warning("shutdown: " + e);
            }
            logs.flush(); // the writer is a daemon thread: the last lines would die with the JVM
          }));
        })
        .onFailure(failure -> {
          LOG.severe("control plane failed to start: " + failure);
          logs.flush();
          vertx.close();
          System.exit(1);
        });
  }
}
