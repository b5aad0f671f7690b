package io.tollgate.frontdoor.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made in a test with Bouncy Castle, written as PEM files: a CA, and server or client
 * certificates it signs (each with its own serial, so a test can tell which one a server serves).
 */
public final class TestCertificates {

  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xFFFF_FFFFL);

  private TestCertificates() {
  }

  /** A certificate and its key, as PEM files. */
  public record Issued(X509Certificate certificate, KeyPair keys, Path certFile, Path keyFile) {
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    /**
     * Copies this certificate and key over {@code into}'s files, each replaced in one rename, as a
     * rotation (cert-manager's, or an operator's) does.
     */
    public void installOver(Issued into) {
      replace(certFile, into.certFile);
      replace(keyFile, into.keyFile);
    }
  }

  /** A self-signed CA that can sign server and client certificates. */
  public static Issued ca(Path dir, String name) {
    KeyPair keys = newKeys();
    X500Name subject = new X500Name("CN=" + name);
    try {
      JcaX509v3CertificateBuilder builder = builder(subject, subject, keys);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return write(dir, name, sign(builder, keys), keys);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server certificate for {@code localhost} and 127.0.0.1, signed by {@code ca}. */
  public static Issued server(Path dir, String name, Issued ca) {
    return leaf(dir, name, ca, KeyPurposeId.id_kp_serverAuth);
  }

  /** A client certificate, signed by {@code ca}. */
  public static Issued client(Path dir, String name, Issued ca) {
    return leaf(dir, name, ca, KeyPurposeId.id_kp_clientAuth);
  }

  private static Issued leaf(Path dir, String name, Issued ca, KeyPurposeId purpose) {
    KeyPair keys = newKeys();
    try {
      JcaX509v3CertificateBuilder builder = builder(
          X500Name.getInstance(ca.certificate.getSubjectX500Principal().getEncoded()), new X500Name("CN=" + name), keys);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      return write(dir, name, sign(builder, ca.keys), keys);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A trust manager that trusts {@code ca} only (for SDKs that take one, e.g. OkHttp's). */
  public static javax.net.ssl.X509TrustManager trustManager(Issued ca) {
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate);
      javax.net.ssl.TrustManagerFactory factory =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      return (javax.net.ssl.X509TrustManager) factory.getTrustManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A client-side TLS context that trusts {@code ca} and, when {@code client} is not null, presents
   * it (for raw sockets and JDK clients).
   */
  public static javax.net.ssl.SSLContext clientContext(Issued ca, Issued client) {
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate);
      javax.net.ssl.TrustManagerFactory trustManagers =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      javax.net.ssl.KeyManager[] keyManagers = null;
      if (client != null) {
        java.security.KeyStore own = java.security.KeyStore.getInstance("PKCS12");
        own.load(null, null);
        own.setKeyEntry("client", client.keys.getPrivate(), new char[0], new java.security.cert.Certificate[] {client.certificate});
        javax.net.ssl.KeyManagerFactory factory =
            javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        factory.init(own, new char[0]);
        keyManagers = factory.getKeyManagers();
      }
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer) {
    try {
      X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()));
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (Exception e) {
      throw new IllegalStateException("signing a test certificate failed", e);
    }
  }

  private static KeyPair newKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued write(Path dir, String name, X509Certificate certificate, KeyPair keys) throws IOException {
    Files.createDirectories(dir);
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    Files.writeString(cert, pem(certificate));
    // PKCS#8 ("BEGIN PRIVATE KEY"), as cert-manager writes with privateKey.encoding: PKCS8.
    Files.writeString(key, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null)));
    return new Issued(certificate, keys, cert, key);
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static void replace(Path from, Path to) {
    try {
      Path staged = to.resolveSibling(to.getFileName() + ".new");
      Files.copy(from, staged, StandardCopyOption.REPLACE_EXISTING);
      Files.move(staged, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
