package dev.faas.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsTlsTest {
  @TempDir Path dir;

  @Test
  void plainUrlsWithoutACaArePlain() {
    assertFalse(NatsTls.of(null, List.of("nats://a:4222")).enabled());
  }

  @Test
  void aTlsUrlWithoutACaTrustsTheJdksCas() {
    NatsTls tls = NatsTls.of(null, List.of("nats://a:4222", " TLS://b:4222"));
    assertTrue(tls.enabled());
    assertNull(tls.caFile());
  }

  @Test
  void aCaFileThatIsNotAPemBundleStopsTheNode() throws IOException {
    Path garbage = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> NatsTls.of(garbage, List.of("tls://a:1")));
    assertTrue(e.getMessage().contains("FAAS_NATS_CA"), e.getMessage());
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThrows(IllegalArgumentException.class, () -> NatsTls.of(empty, List.of("tls://a:1")));
    assertThrows(
        IllegalArgumentException.class,
        () -> NatsTls.of(dir.resolve("missing.pem"), List.of("tls://a:1")));
  }

  @Test
  void socketsSpeakTls12OrNewerAndCheckTheHostName() throws Exception {
    NatsTls tls = NatsTls.of(null, List.of("tls://a:1"));
    try (SSLSocket socket = (SSLSocket) tls.context().getSocketFactory().createSocket()) {
      assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(socket.getSSLParameters().getProtocols()));
      assertEquals("HTTPS", socket.getSSLParameters().getEndpointIdentificationAlgorithm());
    }
  }

  @Test
  void theNameDialledIsWhatTheCertificateIsCheckedAgainst() {
    NatsSettings settings = NatsSettings.defaults().withServers(List.of("tls://nats.example:4222"));
    ConnectionEvents events = new ConnectionEvents("t", (c, e) -> {});
    io.nats.client.Options tls =
        NatsOptions.build(settings, NatsAuth.none(), NatsTls.of(null, settings.servers()), events);
    assertTrue(tls.isTLSRequired());
    // jnats would otherwise dial the resolved address and check the certificate against it.
    assertEquals(
        io.nats.client.Options.HostnameResolveMode.Unresolved, tls.hostnameResolveMode());
    assertFalse(NatsOptions.build(NatsSettings.defaults(), NatsAuth.none(), events).isTLSRequired());
  }

  @Test
  void aCertificateFailureIsToldFromAnOutage() {
    IOException outage = new IOException("Unable to connect to NATS servers");
    assertNull(InitialConnect.untrusted(outage, new java.net.ConnectException("refused")));
    // A handshake the server cut short (restarting) is an outage.
    assertNull(
        InitialConnect.untrusted(
            outage, new SSLHandshakeException("Remote host terminated the handshake")));
    // What the JDK throws for a certificate of an unknown CA, or naming another host.
    SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(
        new java.security.cert.CertificateException(
            "unable to find valid certification path",
            new java.security.cert.CertPathBuilderException("no path")));
    assertNotNull(InitialConnect.untrusted(outage, untrusted));
    assertNotNull(
        InitialConnect.untrusted(
            new IOException("x", new CertPathValidatorException("expired")), null));
  }
}
