package dev.faas.node.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.faas.actors.engine.CallbackSteps;
import dev.faas.actors.engine.CallbackSteps.Delivered;
import dev.faas.actors.engine.CallbackSteps.Failed;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transport only swaps the address connected to: TLS still checks the certificate against, and sends
 * SNI for, the URL's host name. The server on 127.0.0.1 holds a certificate for {@code ok.test} only.
 */
class CallbackPosterTlsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final String SECRET = CallbackSignature.newSecret(new SecureRandom());
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  private static ActorTestKit testKit;
  private static HttpsServer server;
  private static ExecutorService threads;
  private static SSLContext clientTrust;
  private static int port;
  private static final BlockingQueue<String> serverNames = new LinkedBlockingQueue<>();

  private static final CallbackPoster.Resolver NAMES = host -> switch (host) {
    case "ok.test", "other.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
    default -> throw new UnknownHostException(host);
  };

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create("CallbackPosterTlsTest");
    threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "callback-tls-test");
      t.setDaemon(true);
      return t;
    });
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    X500Name subject = new X500Name("CN=ok.test");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minusSeconds(300)), Date.from(now.plusSeconds(3600)), subject, pair.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "ok.test")));
    X509Certificate certificate = new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));

    char[] password = "test".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", pair.getPrivate(), password, new X509Certificate[] {certificate});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, new SecureRandom());

    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("server", certificate);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    clientTrust = SSLContext.getInstance("TLS");
    clientTrust.init(null, tmf.getTrustManagers(), new SecureRandom());

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    server.setExecutor(threads);
    server.createContext("/ok", exchange -> {
      SSLSession session = ((HttpsExchange) exchange).getSSLSession();
      if (session instanceof ExtendedSSLSession extended) {
        extended.getRequestedServerNames().forEach(name ->
            serverNames.add(name instanceof SNIHostName host ? host.getAsciiName() : name.toString()));
      }
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    threads.shutdownNow();
    testKit.shutdownTestKit();
  }

  private static CallbackSteps.Result post(String url) throws Exception {
    try (CallbackPoster poster = new CallbackPoster(testKit.system(), CallbackAddresses.parse("127.0.0.0/8"), NAMES,
        threads, TIMEOUT, clientTrust)) {
      return poster.post(URI.create(url), "msg_tls", Instant.now(), BODY, List.of(SECRET))
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void theCertificateIsCheckedAgainstTheUrlsHostNameWithSni() throws Exception {
    assertEquals(new Delivered(204), post("https://ok.test:" + port + "/ok"));
    assertEquals("ok.test", serverNames.poll(60, TimeUnit.SECONDS));
  }

  @Test
  void aCertificateForAnotherNameIsRefusedThoughTheAddressIsTheSame() throws Exception {
    Failed failed = assertInstanceOf(Failed.class, post("https://other.test:" + port + "/ok"));
    assertEquals(0, failed.status());
    assertTrue(failed.reason().contains("CertificateException") && failed.reason().contains("other.test"), failed.reason());
  }

  @Test
  void anIpLiteralIsNotTheNameOnTheCertificate() throws Exception {
    Failed failed = assertInstanceOf(Failed.class, post("https://127.0.0.1:" + port + "/ok"));
    assertEquals(0, failed.status());
    assertTrue(failed.reason().contains("CertificateException"), failed.reason());
  }
}
