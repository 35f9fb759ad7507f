package dev.faas.actors.activation;

import java.util.function.Consumer;

/**
 * An API node's side of the live logs (docs/decisions/0023): the messages workers send about one
 * activation, from the moment of the call on.
 */
@FunctionalInterface
public interface LiveLogFeed {

  /**
   * Delivers every message about {@code activationId} to {@code onMessage} (on the transport's
   * thread, one at a time: it must not block) until the returned handle is closed.
   *
   * @throws IllegalStateException when the transport is unavailable (not connected)
   */
  AutoCloseable follow(String activationId, Consumer<LiveLogMessage> onMessage);
}
