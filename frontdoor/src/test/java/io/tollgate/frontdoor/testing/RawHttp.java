package io.tollgate.frontdoor.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 over a plain socket, byte for byte, for what a well-behaved client library will not
 * send: conflicting framing, slow headers, bodies that never come.
 */
public final class RawHttp {

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");

  private RawHttp() {
  }

  /** What came back on one connection. */
  public record Reply(String text, boolean closedByServer, long elapsedMillis) {

    /** The status of every response on the connection, in order. */
    public List<Integer> statuses() {
      List<Integer> statuses = new ArrayList<>();
      Matcher matcher = STATUS_LINE.matcher(text);
      while (matcher.find()) {
        statuses.add(Integer.parseInt(matcher.group(1)));
      }
      return statuses;
    }

    public String body() {
      int start = text.indexOf("\r\n\r\n");
      return start < 0 ? "" : text.substring(start + 4);
    }

    @Override
    public String toString() {
      return (closedByServer ? "[closed after " + elapsedMillis + " ms] " : "[still open] ")
          + (text.length() > 600 ? text.substring(0, 600) + "…" : text);
    }
  }

  /** Sends the bytes at once, then reads until the server closes or {@code waitMillis} pass. */
  public static Reply exchange(int port, byte[] request, long waitMillis) throws IOException {
    try (Socket socket = connect(port)) {
      long start = System.nanoTime();
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return read(socket, start, waitMillis);
    }
  }

  public static Reply exchange(int port, String request, long waitMillis) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), waitMillis);
  }

  /**
   * Sends {@code head} at once, then the {@code trickle} one byte every {@code gapMillis} until the
   * server closes the connection or answers; reads what it says. Times from the first byte.
   */
  public static Reply trickle(int port, String head, String trickle, long gapMillis, long waitMillis)
      throws IOException, InterruptedException {
    try (Socket socket = connect(port)) {
      long start = System.nanoTime();
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      for (int i = 0; i < trickle.length() && elapsed(start) < waitMillis; i++) {
        Thread.sleep(gapMillis);
        if (in.available() > 0) {
          break;
        }
        try {
          out.write(trickle.charAt(i));
          out.flush();
        } catch (IOException closed) {
          break;
        }
      }
      return read(socket, start, Math.max(1, waitMillis - elapsed(start)) + elapsed(start));
    }
  }

  /** Opens a connection that sends {@code head} and then nothing; the caller closes it. */
  public static Socket openAndStall(int port, String head) throws IOException {
    Socket socket = connect(port);
    socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return socket;
  }

  /** Reads what the server sends on a stalled connection until it closes or the wait passes. */
  public static Reply awaitClose(Socket socket, long startNanos, long waitMillis) throws IOException {
    return read(socket, startNanos, waitMillis);
  }

  /** Set by {@link #overTls}: this thread's exchanges go over TLS. */
  private static final ThreadLocal<SSLSocketFactory> TLS = new ThreadLocal<>();

  /** Something a test does with raw connections, e.g. a {@link FrontDoorChecks} check. */
  @FunctionalInterface
  public interface Exchanges {
    void run() throws Exception;
  }

  /**
   * Runs {@code exchanges} with every connection this thread opens here made over TLS (handshake
   * done before the first byte is sent), so the same attacks run against an HTTPS port.
   */
  public static void overTls(SSLSocketFactory factory, Exchanges exchanges) throws Exception {
    TLS.set(factory);
    try {
      exchanges.run();
    } finally {
      TLS.remove();
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setTcpNoDelay(true);
    SSLSocketFactory tls = TLS.get();
    if (tls == null) {
      return socket;
    }
    SSLSocket secured = (SSLSocket) tls.createSocket(socket, "localhost", port, true);
    secured.setSoTimeout(5_000);
    secured.startHandshake();
    return secured;
  }

  private static Reply read(Socket socket, long startNanos, long waitMillis) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[16_384];
    boolean closed = false;
    InputStream in = socket.getInputStream();
    while (!closed) {
      long left = waitMillis - elapsed(startNanos);
      if (left <= 0) {
        break;
      }
      socket.setSoTimeout((int) Math.max(1, left));
      try {
        int n = in.read(buffer);
        if (n < 0) {
          closed = true;
        } else {
          received.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException e) {
        break;
      } catch (IOException reset) {
        closed = true;
      }
    }
    return new Reply(received.toString(StandardCharsets.ISO_8859_1), closed, elapsed(startNanos));
  }

  private static long elapsed(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
