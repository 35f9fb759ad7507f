package dev.faas.nats;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a node secures its NATS connection: not at all (plain {@code nats://} on one host), or TLS
 * 1.2+ checking the server's certificate and host name against the JDK's CAs or, with {@code
 * FAAS_NATS_CA}, against the CAs of a PEM bundle only.
 *
 * <p>jnats neither limits the protocol versions nor checks the host name of the context it is
 * given; the context made here does both on every socket it makes (docs/decisions/0019).
 *
 * @param caFile the PEM bundle of the CAs that may sign the servers' certificates; null: the JDK's
 * @param context the client context, null when neither a CA nor a {@code tls://} URL asks for TLS
 */
public record NatsTls(Path caFile, SSLContext context) {
  /** What the node speaks to NATS, newest first. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** Plain connections. */
  public static NatsTls none() {
    return new NatsTls(null, null);
  }

  /**
   * TLS when {@code caFile} is given or any of {@code servers} is a {@code tls://} URL; plain
   * otherwise.
   *
   * @throws IllegalArgumentException when the CA file cannot be read, holds no certificate, or
   *     is not PEM/DER X.509: the node must not start on it
   */
  public static NatsTls of(Path caFile, List<String> servers) {
    boolean tlsUrl =
        servers.stream().anyMatch(s -> s.strip().toLowerCase(Locale.ROOT).startsWith("tls://"));
    if (caFile == null && !tlsUrl) {
      return none();
    }
    try {
      return new NatsTls(caFile, strict(trustManagers(caFile)));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "FAAS_NATS_CA [" + caFile + "] is not a readable PEM bundle of CA certificates: "
              + e.getMessage(),
          e);
    }
  }

  /** Whether connections use TLS. */
  public boolean enabled() {
    return context != null;
  }

  @Override
  public String toString() {
    return !enabled() ? "NatsTls[off]" : "NatsTls[ca=" + (caFile == null ? "JDK" : caFile) + "]";
  }

  private static TrustManager[] trustManagers(Path caFile)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile == null) {
      tmf.init((KeyStore) null);
      return tmf.getTrustManagers();
    }
    Collection<? extends Certificate> cas;
    try (InputStream in = Files.newInputStream(caFile)) {
      cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (cas.isEmpty()) {
      throw new GeneralSecurityException("no certificate in it");
    }
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    int n = 0;
    for (Certificate ca : cas) {
      trusted.setCertificateEntry("nats-ca-" + n++, ca);
    }
    tmf.init(trusted);
    return tmf.getTrustManagers();
  }

  /** A context whose client sockets speak {@link #PROTOCOLS} only and check the host name. */
  private static SSLContext strict(TrustManager[] trust) throws GeneralSecurityException {
    SSLContext base = SSLContext.getInstance("TLS");
    base.init(null, trust, new SecureRandom());
    return new StrictContext(base);
  }

  private static SSLParameters parameters(SSLParameters parameters) {
    parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
    // The host the client dialled must be named by the certificate (jnats passes it on).
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return parameters;
  }

  private static final class StrictContext extends SSLContext {
    StrictContext(SSLContext base) {
      super(new Spi(base), base.getProvider(), base.getProtocol());
    }
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext base;

    Spi(SSLContext base) {
      this.base = base;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      throw new KeyManagementException("already initialised");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new StrictSockets(base.getSocketFactory());
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      // A node only dials NATS; the base context's server side, for completeness of the SPI.
      return base.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      SSLEngine engine = base.createSSLEngine();
      engine.setSSLParameters(parameters(engine.getSSLParameters()));
      return engine;
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      SSLEngine engine = base.createSSLEngine(host, port);
      engine.setSSLParameters(parameters(engine.getSSLParameters()));
      return engine;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return base.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return base.getClientSessionContext();
    }
  }

  private static final class StrictSockets extends SSLSocketFactory {
    private final SSLSocketFactory base;

    StrictSockets(SSLSocketFactory base) {
      this.base = base;
    }

    private static Socket strict(Socket socket) {
      if (socket instanceof SSLSocket ssl) {
        ssl.setSSLParameters(parameters(ssl.getSSLParameters()));
      }
      return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return base.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return base.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return strict(base.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket() throws IOException {
      return strict(base.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return strict(base.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return strict(base.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return strict(base.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
        int localPort) throws IOException {
      return strict(base.createSocket(address, port, localAddress, localPort));
    }
  }
}
