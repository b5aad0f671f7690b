package io.tollgate.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One platform for the whole suite: started by the first test class that asks for it, stopped (and its
 * data dropped) when the test run ends, through the root store that closes what it holds.
 */
final class PlatformExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Platform.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Platform.class, key -> {
          try {
            return new Running(Platform.start());
          } catch (Exception e) {
            throw new AssertionError("the platform did not start: " + e, e);
          }
        }, Running.class).platform();
  }

  /** Closed by JUnit when the root context ends: scripts/platform.sh down --purge. */
  record Running(Platform platform) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      platform.close();
    }
  }
}
