package io.tollgate.controlplane;

import io.tollgate.controlplane.config.ControlPlaneSettings;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** {@code java -jar tollgate-control-plane.jar}: settings from the environment (docs/control-plane.md). */
public final class ControlPlaneMain {

  private static final Logger LOG = Logger.getLogger(ControlPlaneMain.class.getName());

  private ControlPlaneMain() {
  }

  public static void main(String[] args) {
    ControlPlaneSettings settings = ControlPlaneSettings.fromEnv(System.getenv());
    Vertx vertx = Vertx.vertx();
    ControlPlane.start(vertx, settings)
        .onSuccess(plane -> {
          LOG.info("control plane listening on :" + plane.port() + " (schema " + settings.schema() + ")");
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              plane.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
              // Awaited on its own: a continuation chained after vertx.close() has no event loop to run on.
              vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
              LOG.warning("shutdown: " + e);
            }
          }));
        })
        .onFailure(failure -> {
          LOG.severe("control plane failed to start: " + failure);
          vertx.close();
          System.exit(1);
        });
  }
}
