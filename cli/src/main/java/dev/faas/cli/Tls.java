package dev.faas.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.Enumeration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The HTTP client's trust: the JDK's CAs by default; exactly the certificates of a CA file when one
 * is given (a node's self-signed certificate); nothing checked only with {@code --insecure}.
 */
public final class Tls {
  private static final Duration CONNECT = Duration.ofSeconds(10);

  private Tls() {}

  /** A client for these settings. */
  public static HttpClient client(Path caFile, boolean insecure) {
    HttpClient.Builder builder =
        HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER);
    try {
      if (insecure) {
        // Read once, when the first client is made: so it is set before any client exists.
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        builder.sslContext(context);
      } else if (caFile != null) {
        builder.sslContext(trusting(caFile));
      }
    } catch (GeneralSecurityException e) {
      throw new CliException(ExitCode.ERROR, "cannot set up TLS: " + e.getMessage(), e);
    }
    return builder.build();
  }

  /** A context trusting exactly the certificates in {@code caFile}. */
  static SSLContext trusting(Path caFile) throws GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      trust.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    for (Certificate certificate : certificates(caFile)) {
      trust.setCertificateEntry("ca-" + i++, certificate);
    }
    if (i == 0) {
      throw CliException.usage("--ca-file " + caFile + " holds no certificate");
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /**
   * The certificates of a PEM or DER file, or of a PKCS#12 keystore ({@code .p12}, {@code .pfx})
   * whose password is in {@code <file>.password} beside it, as a node keeps its own.
   */
  static Collection<? extends Certificate> certificates(Path file) throws GeneralSecurityException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".p12") || name.endsWith(".pfx")) {
        Path passwordFile = file.resolveSibling(file.getFileName() + ".password");
        char[] password =
            Files.exists(passwordFile)
                ? Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray()
                : new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
          store.load(in, password);
        }
        java.util.List<Certificate> all = new java.util.ArrayList<>();
        for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
          Certificate certificate = store.getCertificate(aliases.nextElement());
          if (certificate != null) {
            all.add(certificate);
          }
        }
        return all;
      }
      try (InputStream in = Files.newInputStream(file)) {
        return CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
    } catch (IOException e) {
      throw CliException.usage("cannot read --ca-file " + file + ": " + e.getMessage());
    }
  }

  /** Trusts every certificate: {@code --insecure}, and nothing else. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
