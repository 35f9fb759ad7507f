package dev.faas.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the first connection, retrying in the background until a server answers; from then on
 * jnats reconnects by itself.
 *
 * <p>Why a retry loop around {@link Nats#connect(Options)} rather than jnats' own {@code
 * connectAsynchronously} or {@code connectReconnectOnConnect}: the former hands the connection
 * back only through the listener and cannot be cancelled before it connects, so a node closed
 * while NATS is down would leak a thread that reconnects forever; the latter blocks its caller
 * until connected. Each attempt here is bounded by the connect timeout, runs on the bridge's
 * control thread, and is not rescheduled once the bridge closes.
 *
 * <p>A server whose certificate this node does not trust is no outage: retrying would only hide
 * a wrong {@code FAAS_NATS_CA} behind a node that never becomes ready. The first such failure is
 * logged as an error and reported to {@code onFatal}, and no further attempt is made.
 */
final class InitialConnect {
  private static final Logger log = LoggerFactory.getLogger(InitialConnect.class);
  private static final long MIN_DELAY_MILLIS = 250;
  private static final long MAX_DELAY_MILLIS = 1_000;
  // An outage at start is worth one WARN and a reminder now and then, not a line per attempt.
  private static final int WARN_EVERY = 30;

  private final Options options;
  private final String name;
  private final ScheduledExecutorService control;
  private final BooleanSupplier stopped;
  private final Consumer<Connection> onConnected;
  private final Supplier<Exception> lastReported;
  private final Consumer<String> onFatal;
  private int attempts;

  /**
   * @param stopped true once the bridge closed: no further attempt is made
   * @param onConnected receives the connection, on the control thread
   * @param lastReported the last exception jnats reported to the error listener (it does not
   *     pass the cause of a failed connect on in the exception it throws)
   * @param onFatal told, once, why no further attempt is made
   */
  InitialConnect(
      Options options,
      String name,
      ScheduledExecutorService control,
      BooleanSupplier stopped,
      Consumer<Connection> onConnected,
      Supplier<Exception> lastReported,
      Consumer<String> onFatal) {
    this.options = options;
    this.name = name;
    this.control = control;
    this.stopped = stopped;
    this.onConnected = onConnected;
    this.lastReported = lastReported;
    this.onFatal = onFatal;
  }

  /** Makes the first attempt soon, on the control thread. */
  void start() {
    control.execute(this::attempt);
  }

  private void attempt() {
    if (stopped.getAsBoolean()) {
      return;
    }
    attempts++;
    try {
      Connection conn = Nats.connect(options);
      if (attempts > 1) {
        log.info("NATS connection [{}] made after [{}] attempts", name, attempts);
      }
      onConnected.accept(conn);
    } catch (IOException e) {
      Throwable untrusted = untrusted(e, lastReported.get());
      if (untrusted != null) {
        String why =
            "NATS connection [" + name + "] to " + options.getServers() + " refused: the"
                + " server's TLS certificate is not trusted (" + untrusted.getMessage() + ")."
                + " Set FAAS_NATS_CA to the PEM file of the CA that signed it, and make sure the"
                + " certificate names the host in FAAS_NATS_URL";
        log.error(why);
        onFatal.accept(why);
        return;
      }
      long delay = ThreadLocalRandom.current().nextLong(MIN_DELAY_MILLIS, MAX_DELAY_MILLIS + 1);
      if (attempts == 1 || attempts % WARN_EVERY == 0) {
        log.warn(
            "NATS connection [{}] to [{}] failed (attempt [{}]): [{}]; retrying in the background",
            name,
            options.getServers(),
            attempts,
            e.getMessage());
      }
      if (!stopped.getAsBoolean()) {
        control.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      // The control thread is interrupted only when the bridge shuts it down.
      Thread.currentThread().interrupt();
    }
  }

  /** The certificate failure among the causes of {@code thrown} or {@code reported}, or null. */
  static Throwable untrusted(Throwable thrown, Throwable reported) {
    for (Throwable start : new Throwable[] {thrown, reported}) {
      for (Throwable t = start; t != null; t = t.getCause()) {
        // The certificate itself: not a handshake cut short by a server going down, which is
        // an SSLHandshakeException too and is retried like any outage.
        if (t instanceof CertificateException
            || t instanceof CertPathValidatorException
            || t instanceof CertPathBuilderException) {
          return t;
        }
        if (t.getCause() == t) {
          break;
        }
      }
    }
    return null;
  }
}
