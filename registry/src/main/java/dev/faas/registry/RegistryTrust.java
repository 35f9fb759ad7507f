package dev.faas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificate authorities the platform trusts for a registry: the JDK's usual ones plus the
 * CAs the operator installed for that registry where the Docker engine looks for them, {@code
 * /etc/docker/certs.d/<host[:port]>/*.crt}. Resolving and pulling then trust exactly the same
 * registries: a registry the engine can pull from is one the API node can resolve.
 */
public final class RegistryTrust {
  private RegistryTrust() {}

  /** The CA files for {@code host} under {@code certsDir}: its {@code *.crt}, sorted. */
  public static List<Path> casFor(Path certsDir, String host) {
    Path dir = certsDir.resolve(host);
    List<Path> cas = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return cas;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.crt")) {
      files.forEach(cas::add);
    } catch (IOException e) {
      // Unreadable: trust nothing extra, and the handshake says why.
      return List.of();
    }
    cas.sort(null);
    return cas;
  }

  /**
   * A client context trusting the JDK's default CAs and the certificates in {@code caFiles} (PEM
   * or DER). A file that cannot be read or parsed is refused, not skipped silently.
   *
   * @throws IllegalStateException when a file cannot be read or the context cannot be made
   */
  public static SSLContext context(List<Path> caFiles) {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (X509Certificate ca : defaultIssuers()) {
        trusted.setCertificateEntry("default-" + n++, ca);
      }
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      for (Path file : caFiles) {
        try (InputStream in = Files.newInputStream(file)) {
          for (Certificate cert : x509.generateCertificates(in)) {
            trusted.setCertificateEntry("registry-" + n++, cert);
          }
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the registry trust from " + caFiles, e);
    }
  }

  private static X509Certificate[] defaultIssuers() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (var manager : tmf.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }
}
