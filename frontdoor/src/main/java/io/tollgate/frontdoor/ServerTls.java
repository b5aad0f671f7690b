package io.tollgate.frontdoor;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;

import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * HTTPS on a port from PEM files, and their rotation without a restart: the files are read again
 * every {@link TlsSettings#reloadIntervalMs()} and, when their bytes changed (cert-manager renewed a
 * Secret, an operator replaced them), the servers get the new ones through
 * {@link HttpServer#updateSSLOptions}. New connections get the new certificate; open ones keep the
 * one they were made with. A rotation caught half-written (a certificate whose key is not yet
 * there) fails to load and is tried again at the next read, the old files still served meanwhile.
 * One instance serves every server of one port (every event loop's).
 */
public final class ServerTls {

  private static final Logger LOG = Logger.getLogger(ServerTls.class.getName());

  private final Vertx vertx;
  private final TlsSettings settings;
  private final String port;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final AtomicLong reloads = new AtomicLong();
  /** The files' bytes the servers serve now (null until a read loads). */
  private volatile List<Buffer> served;
  /**
   * The first read (at {@link #watch}) is done, loaded or not. Only that read finds what the server
   * read itself at listen; once it has failed (files caught mid-rotation), the next load is a rotation.
   */
  private volatile boolean firstReadDone;
  /** The newest read of the files (complete when none is running). */
  private volatile Future<Boolean> reading = Future.succeededFuture(false);
  private long timer = -1;
  /** ALPN offers h2 (set by {@link #apply}, kept by rotations). */
  private volatile boolean http2;

  private ServerTls(Vertx vertx, TlsSettings settings, String port) {
    this.vertx = vertx;
    this.settings = settings;
    this.port = port;
  }

  /**
   * @param port what the port is, for the log ("gateway admin")
   */
  public static ServerTls of(Vertx vertx, TlsSettings settings, String port) {
    return new ServerTls(vertx, settings, port);
  }

  public TlsSettings settings() {
    return settings;
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /** Rotations served since start (each a change of the files' bytes that loaded). */
  public long reloads() {
    return reloads.get();
  }

  /** The options with this port's TLS for HTTP/1.1 only (no ALPN). */
  public HttpServerOptions apply(HttpServerOptions options) {
    return apply(options, false);
  }

  /**
   * The options with this port's TLS, unchanged when TLS is off; client certificates required when
   * a client CA is set.
   *
   * @param http2 ALPN offers h2 before http/1.1 (the front door guards both, ADR 21); else HTTP/1.1 only
   */
  public HttpServerOptions apply(HttpServerOptions options, boolean http2) {
    if (!enabled()) {
      return options;
    }
    this.http2 = http2;
    HttpServerOptions tls = new HttpServerOptions(options)
        .setSsl(true)
        .setUseAlpn(http2)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.certFile()).setKeyPath(settings.keyFile()));
    if (settings.clientCertificatesRequired()) {
      tls.setTrustOptions(new PemTrustOptions().addCertPath(settings.clientCaFile()))
          .setClientAuth(ClientAuth.REQUIRED);
    }
    return tls;
  }

  /**
   * Serves rotated files on {@code server} from now on (call once it listens). The first server
   * watched starts the reads, on the caller's context.
   */
  public void watch(HttpServer server) {
    if (!enabled()) {
      return;
    }
    servers.add(server);
    synchronized (this) {
      if (timer != -1 || settings.reloadIntervalMs() == 0) {
        return;
      }
      timer = vertx.setPeriodic(settings.reloadIntervalMs(), id -> {
        if (reading.isComplete()) {
          reload();
        }
      });
    }
    // The files may have changed between the server's own read and now: load what is there.
    reload();
  }

  /** Stops the reads (the servers keep what they serve). */
  public synchronized void close() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Reads the files and, if their bytes changed, serves them. Completes with whether a new set was loaded. */
  public synchronized Future<Boolean> reload() {
    if (servers.isEmpty()) {
      return Future.succeededFuture(false);
    }
    if (!reading.isComplete()) {
      // One read at a time; this one starts after it, so it sees the files as they are now.
      return reading.transform(previous -> reload());
    }
    reading = read();
    return reading;
  }

  private Future<Boolean> read() {
    List<String> files = files();
    List<Future<Buffer>> reads = new ArrayList<>();
    for (String file : files) {
      reads.add(vertx.fileSystem().readFile(file));
    }
    return Future.all(reads).compose(all -> {
      List<Buffer> contents = all.list();
      if (contents.equals(served)) {
        return Future.succeededFuture(false);
      }
      ServerSSLOptions options = sslOptions(contents);
      try {
        requireKeyOfCertificate((PemKeyCertOptions) options.getKeyCertOptions());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
      List<Future<Boolean>> updates = new ArrayList<>();
      for (HttpServer server : servers) {
        updates.add(server.updateSSLOptions(options));
      }
      return Future.all(updates).map(done -> {
        boolean first = !firstReadDone;
        served = contents;
        if (!first) {
          reloads.incrementAndGet();
          LOG.info("TLS: " + port + " serves the rotated certificate from " + settings.certFile());
        }
        return !first;
      });
    }).andThen(done -> firstReadDone = true)
        .onFailure(failure -> LOG.warning("TLS: " + port + " could not load " + String.join(", ", files)
        + " (still serving the previous certificate; tried again in " + settings.reloadIntervalMs() + " ms): "
        + failure.getMessage()));
  }

  /**
   * Refuses a key that is not the certificate's: a rotation read between the writes of its two files
   * (new certificate, old key) would otherwise be served, and every handshake would fail on the
   * signature. The next read, once both files are written, loads.
   */
  private void requireKeyOfCertificate(PemKeyCertOptions pem) throws Exception {
    KeyStore store = pem.loadKeyStore(vertx);
    javax.net.ssl.X509KeyManager keys = (javax.net.ssl.X509KeyManager) pem.getKeyManagerFactory(vertx).getKeyManagers()[0];
    for (String alias : java.util.Collections.list(store.aliases())) {
      PrivateKey key = keys.getPrivateKey(alias);
      java.security.cert.X509Certificate[] chain = keys.getCertificateChain(alias);
      if (key == null || chain == null || chain.length == 0) {
        continue;
      }
      PublicKey certified = chain[0].getPublicKey();
      String algorithm = switch (key.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> key.getAlgorithm(); // Ed25519, Ed448
      };
      byte[] challenge = "tollgate key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(challenge);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certified);
      verify.update(challenge);
      if (!verify.verify(signature)) {
        throw new IllegalStateException("the key in " + settings.keyFile() + " is not the certificate's in "
            + settings.certFile() + " (a rotation half written?)");
      }
    }
  }

  private List<String> files() {
    List<String> files = new ArrayList<>(List.of(settings.certFile(), settings.keyFile()));
    if (settings.clientCertificatesRequired()) {
      files.add(settings.clientCaFile());
    }
    return files;
  }

  private ServerSSLOptions sslOptions(List<Buffer> contents) {
    ServerSSLOptions options = new ServerSSLOptions()
        .setUseAlpn(http2)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(contents.get(0)).setKeyValue(contents.get(1)));
    if (settings.clientCertificatesRequired()) {
      options.setTrustOptions(new PemTrustOptions().addCertValue(contents.get(2))).setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }
}
