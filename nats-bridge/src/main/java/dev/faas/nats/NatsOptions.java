package dev.faas.nats;

import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;

/** The jnats connection options every node uses, in one place. */
final class NatsOptions {
  // A short first wait gets a node back quickly after a server restart; the jitter spreads the
  // reconnects of many nodes so a restarted server is not hit by all of them at once.
  static final Duration RECONNECT_WAIT = Duration.ofMillis(250);
  static final Duration RECONNECT_JITTER = Duration.ofMillis(750);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private NatsOptions() {}

  /**
   * Options that reconnect forever and report requests nobody answers as failures at once.
   *
   * @param events receives every connection state change and asynchronous error
   */
  static Options build(NatsSettings settings, ConnectionEvents events) {
    return build(settings, NatsAuth.none(), events);
  }

  /** As {@link #build(NatsSettings, ConnectionEvents)}, presenting {@code auth} to the server. */
  static Options build(NatsSettings settings, NatsAuth auth, ConnectionEvents events) {
    return build(settings, auth, NatsTls.none(), events);
  }

  /**
   * As {@link #build(NatsSettings, NatsAuth, ConnectionEvents)}, over TLS when {@code tls} is
   * enabled: jnats then refuses a server that does not speak TLS.
   */
  static Options build(
      NatsSettings settings, NatsAuth auth, NatsTls tls, ConnectionEvents events) {
    Options.Builder builder = new Options.Builder();
    if (tls.enabled()) {
      builder.sslContext(tls.context());
      // jnats resolves a server's name to its addresses and then dials (and names to TLS) the
      // address: the certificate would be checked against an IP, never against the name.
      // (noResolveHostnames() still resolves, to the first address.)
      builder.hostnameResolveMode(Options.HostnameResolveMode.Unresolved);
    }
    if (!auth.user().isEmpty()) {
      builder.userInfo(auth.user(), auth.password());
    } else if (auth.credsFile() != null) {
      builder.authHandler(Nats.credentials(auth.credsFile().toString()));
    }
    return builder
        .servers(settings.servers().toArray(String[]::new))
        .connectionName(settings.connectionName())
        // A node must outlive any NATS outage: it never gives up, it only stops being ready.
        .maxReconnects(-1)
        .reconnectWait(RECONNECT_WAIT)
        .reconnectJitter(RECONNECT_JITTER)
        .connectionTimeout(CONNECT_TIMEOUT)
        // Lets the activation transport tell "no worker subscribed" from "timed out".
        .reportNoResponders()
        .connectionListener(events)
        .errorListener(events)
        .build();
  }
}
