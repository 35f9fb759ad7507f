package dev.faas.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The node's HTTPS offers TLS 1.3 and TLS 1.2 with forward-secret AEAD suites only: a JDK client
 * that enables nothing but a CBC suite fails its handshake.
 * The server is bound as {@link Node#bind} binds it, with the self-signed certificate (EC).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsContextTest {
  private ActorSystem system;
  private ServerBinding binding;

  @BeforeAll
  void bind(@TempDir Path dataDir) throws Exception {
    NodeConfig config =
        NodeConfig.from(
            ConfigFactory.parseMap(Map.of("faas.data-dir", dataDir.toString()))
                .withFallback(ConfigFactory.load()));
    system =
        ActorSystem.create(
            "tls-test",
            ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
                .withFallback(ConfigFactory.load()));
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .enableHttps(TlsContext.https(config))
            .bind(Directives.complete("ok"))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void unbind() throws Exception {
    binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "TLSv1.3, TLS_AES_128_GCM_SHA256",
    "TLSv1.3, TLS_AES_256_GCM_SHA384",
    "TLSv1.3, TLS_CHACHA20_POLY1305_SHA256",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
  })
  void forwardSecretAeadSuitesAreServed(String protocol, String suite) throws Exception {
    try (SSLSocket socket = connect(protocol, suite)) {
      socket.startHandshake();
      assertEquals(protocol, socket.getSession().getProtocol());
      assertEquals(suite, socket.getSession().getCipherSuite());
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"
  })
  void cbcSuitesAreRefused(String protocol, String suite) throws Exception {
    try (SSLSocket socket = connect(protocol, suite)) {
      assertThrows(SSLHandshakeException.class, socket::startHandshake);
    }
  }

  /** A client offering exactly one protocol and one suite, trusting the self-signed certificate. */
  private SSLSocket connect(String protocol, String suite) throws IOException {
    SSLSocket socket;
    try {
      SSLContext client = SSLContext.getInstance("TLS");
      client.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      socket =
          (SSLSocket)
              client
                  .getSocketFactory()
                  .createSocket("127.0.0.1", binding.localAddress().getPort());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    socket.setSoTimeout(5000);
    socket.setEnabledProtocols(new String[] {protocol});
    socket.setEnabledCipherSuites(new String[] {suite});
    return socket;
  }

  /** The test checks which suites are served, not who the server is. */
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
