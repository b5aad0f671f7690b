package io.tollgate.frontdoor;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Checks, before a service starts, that the ports it will listen on are free, so that a port taken
 * by another process is refused with a message naming the setting instead of Netty's bare
 * "Address already in use" after migrations and connections have started. Blocking: call it from
 * main, before Vert.x runs. The port could still be taken between the check and the bind; the bind
 * then fails as before.
 */
public final class PortCheck {

  private PortCheck() {
  }

  /**
   * @param host    the bind address the service will use
   * @param port    the port; 0 (any free port) always passes
   * @param setting how a user changes it, e.g. "TOLLGATE_PORT or --port"
   * @throws IllegalStateException naming the port and the setting when the port is in use
   */
  public static void requireFree(String host, int port, String setting) {
    if (port == 0) {
      return;
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + setting + "): unknown host "
          + host);
    }
    // Without SO_REUSEADDR the check would also refuse a port whose last connections are in TIME_WAIT,
    // which the service itself (Vert.x sets SO_REUSEADDR) binds without trouble.
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, port), 1);
    } catch (BindException e) {
      throw new IllegalStateException("port " + port + " on " + host + " is in use (" + setting
          + "): stop the process that holds it (ss -ltnp 'sport = :" + port + "') or choose another port");
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + setting + "): " + e.getMessage());
    }
  }
}
