package dev.faas.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's server TLS context: the configured PKCS#12 keystore, or else a self-signed
 * certificate made on first start and kept under the data directory, so clients that pinned it
 * keep working after a restart.
 */
public final class TlsContext {
  private static final Logger log = LoggerFactory.getLogger(TlsContext.class);
  private static final String ALIAS = "faas-node";
  private static final Duration VALIDITY = Duration.ofDays(825);

  private TlsContext() {}

  /** The protocols the node speaks, newest first. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * The suites the node offers, in its order of preference: TLS 1.3's, and TLS 1.2's with ephemeral
   * ECDH (forward secrecy) and an AEAD cipher. Not the JDK's defaults, which still include CBC with
   * SHA-1 and SHA-2 MACs (padding-oracle prone, issue 13); clients from the last decade all speak
   * one of these.
   */
  static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_256_GCM_SHA384",
          "TLS_AES_128_GCM_SHA256",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /**
   * What {@link Node#bind} serves HTTPS with: the context of {@link #serverContext}, its engines
   * limited to {@link #PROTOCOLS} and {@link #CIPHER_SUITES} (those this JVM has), the server's
   * order winning.
   */
  public static HttpsConnectionContext https(NodeConfig config)
      throws IOException, GeneralSecurityException {
    SSLContext context = serverContext(config);
    List<String> supported = List.of(context.getSupportedSSLParameters().getCipherSuites());
    String[] suites = CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new);
    if (suites.length == 0) {
      throw new GeneralSecurityException("this JVM supports none of " + CIPHER_SUITES);
    }
    return ConnectionContext.httpsServer(
        () -> {
          SSLEngine engine = context.createSSLEngine();
          engine.setUseClientMode(false);
          SSLParameters parameters = engine.getSSLParameters();
          parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
          parameters.setCipherSuites(suites);
          parameters.setUseCipherSuitesOrder(true);
          engine.setSSLParameters(parameters);
          return engine;
        });
  }

  /** An SSLContext for the server side, from {@code config}. */
  private static SSLContext serverContext(NodeConfig config)
      throws IOException, GeneralSecurityException {
    Path keystore;
    char[] password;
    if (!config.keystore().isEmpty()) {
      keystore = Path.of(config.keystore());
      password = config.keystorePassword().toCharArray();
      log.info("TLS with keystore [{}]", keystore);
    } else {
      Path dir = config.dataDir().resolve("tls");
      keystore = dir.resolve("node.p12");
      Path passwordFile = dir.resolve("node.p12.password");
      if (!Files.exists(keystore) || !Files.exists(passwordFile)) {
        createSelfSigned(dir, keystore, passwordFile, config.nodeName());
      } else {
        log.info("TLS with the self-signed certificate in [{}]", keystore);
      }
      password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray();
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, new SecureRandom());
    return context;
  }

  private static void createSelfSigned(Path dir, Path keystore, Path passwordFile, String nodeName)
      throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    X509Certificate certificate = selfSign(pair, nodeName);

    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    char[] password = HexFormat.of().formatHex(secret).toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(ALIAS, pair.getPrivate(), password, new X509Certificate[] {certificate});

    // Written beside each other, then moved into place, so a crash never leaves half a keystore.
    Path tmpStore = Files.createTempFile(dir, "node", ".p12.tmp");
    Path tmpPassword = Files.createTempFile(dir, "node", ".password.tmp");
    restrict(tmpStore);
    restrict(tmpPassword);
    try (OutputStream out = Files.newOutputStream(tmpStore, StandardOpenOption.TRUNCATE_EXISTING)) {
      store.store(out, password);
    }
    Files.writeString(tmpPassword, new String(password), StandardCharsets.UTF_8);
    Files.move(tmpPassword, passwordFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.move(tmpStore, keystore, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    log.info(
        "Made a self-signed certificate for [{}] in [{}]; give clients a real one with FAAS_TLS_KEYSTORE",
        nodeName,
        keystore);
  }

  private static X509Certificate selfSign(KeyPair pair, String nodeName)
      throws GeneralSecurityException, IOException {
    X500Name subject = new X500Name("CN=" + sanitize(nodeName) + ",O=faas");
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(VALIDITY)),
            subject,
            pair.getPublic());
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.iPAddress, "::1"));
    names.add(new GeneralName(GeneralName.dNSName, sanitize(nodeName)));
    try {
      String host = InetAddress.getLocalHost().getHostName();
      if (!host.equals(nodeName)) {
        names.add(new GeneralName(GeneralName.dNSName, sanitize(host)));
      }
    } catch (IOException e) {
      log.debug("No local host name for the certificate", e);
    }
    builder.addExtension(
        Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign the certificate", e);
    }
  }

  private static String sanitize(String name) {
    String cleaned = name.replaceAll("[^A-Za-z0-9.-]", "-");
    return cleaned.isEmpty() ? "faas-node" : cleaned;
  }

  private static void restrict(Path file) throws IOException {
    if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } else {
      log.debug("No POSIX permissions on this filesystem for [{}]", file);
    }
  }
}
