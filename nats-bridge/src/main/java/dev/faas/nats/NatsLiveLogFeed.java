package dev.faas.nats;

import dev.faas.actors.activation.LiveLogFeed;
import dev.faas.actors.activation.LiveLogMessage;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Subscription;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An API node's live logs: one core NATS subscription to {@code faas.logs.<activationId>} per
 * follower, made when the follower comes and closed when it goes (no subscription while nobody
 * follows). Every subscription of a connection shares one dispatcher thread; handlers only hand
 * the message on, without blocking.
 */
final class NatsLiveLogFeed implements LiveLogFeed {
  private static final Logger log = LoggerFactory.getLogger(NatsLiveLogFeed.class);

  private final Buckets buckets;
  private Connection dispatchedOn; // guarded by this
  private Dispatcher dispatcher; // guarded by this

  NatsLiveLogFeed(Buckets buckets) {
    this.buckets = buckets;
  }

  @Override
  public AutoCloseable follow(String activationId, Consumer<LiveLogMessage> onMessage) {
    String subject = Subjects.logs(activationId);
    Dispatcher d = dispatcher();
    Subscription subscription =
        d.subscribe(
            subject,
            message -> {
              LiveLogMessage decoded;
              try {
                decoded = LiveLogWire.decode(message.getHeaders(), message.getData());
              } catch (RuntimeException e) {
                log.debug("Ignoring an undecodable live log message on [{}]: [{}]", subject,
                    e.toString());
                return;
              }
              onMessage.accept(decoded);
            });
    return () -> {
      try {
        d.unsubscribe(subscription);
      } catch (IllegalStateException e) {
        // The connection or its dispatcher is closed: the subscription went with it.
      }
    };
  }

  private synchronized Dispatcher dispatcher() {
    Connection conn = buckets.connection();
    if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
      throw new IllegalStateException("not connected to NATS");
    }
    if (conn != dispatchedOn) {
      dispatcher = conn.createDispatcher();
      dispatchedOn = conn;
    }
    return dispatcher;
  }
}
