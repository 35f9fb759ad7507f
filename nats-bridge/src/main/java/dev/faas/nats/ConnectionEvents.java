package dev.faas.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what jnats reports about the connection and passes state changes on to the bridge.
 * jnats calls it on its own callback thread, so it must not block.
 */
final class ConnectionEvents implements ConnectionListener, ErrorListener {
  private static final Logger log = LoggerFactory.getLogger(ConnectionEvents.class);

  private final String name;
  private final BiConsumer<Connection, Events> onChange;
  // A failed first attempt also reports "disconnected" and "closed", and one outage may report
  // "disconnected" twice: log a loss only for a connection that was really up.
  private final AtomicBoolean connected = new AtomicBoolean();
  private volatile boolean everConnected;
  private volatile Exception lastException;

  ConnectionEvents(String name, BiConsumer<Connection, Events> onChange) {
    this.name = name;
    this.onChange = onChange;
  }

  @Override
  public void connectionEvent(Connection conn, Events type, Long time, String uriDetails) {
    switch (type) {
      case CONNECTED, RECONNECTED -> {
        everConnected = true;
        connected.set(true);
        log.info("NATS connection [{}] {} to [{}]", name, type.getEvent(), conn.getConnectedUrl());
      }
      case DISCONNECTED -> {
        if (connected.getAndSet(false)) {
          log.warn("NATS connection [{}] lost, reconnecting", name);
        }
      }
      case CLOSED -> {
        if (everConnected) {
          log.info("NATS connection [{}] closed", name);
        }
      }
      case LAME_DUCK -> log.warn("NATS server of connection [{}] is shutting down (lame duck)", name);
      default -> log.debug("NATS connection [{}] event [{}]", name, type.getEvent());
    }
    onChange.accept(conn, type);
  }

  /** jnats calls the four-argument form; this one only satisfies the interface. */
  @Deprecated
  @Override
  public void connectionEvent(Connection conn, Events type) {
    connectionEvent(conn, type, null, null);
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    log.warn("NATS connection [{}] error from server: [{}]", name, error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    lastException = exp;
    // Connection-level failures (refused, reset) repeat on every reconnect attempt: keep them
    // out of WARN so an outage does not flood the log; the state changes above say enough.
    log.debug("NATS connection [{}] exception", name, exp);
  }

  /** The last exception jnats reported, null before any: why a connect attempt failed. */
  Exception lastException() {
    return lastException;
  }

  @Override
  public void slowConsumerDetected(Connection conn, Consumer consumer) {
    log.warn("NATS connection [{}] slow consumer [{}], messages dropped", name, consumer);
  }

  @Override
  public void heartbeatAlarm(
      Connection conn, JetStreamSubscription sub, long lastStreamSequence, long lastConsumerSequence) {
    log.info(
        "NATS connection [{}] missed heartbeats on [{}] after stream sequence [{}]",
        name,
        sub.getSubject(),
        lastStreamSequence);
  }
}
