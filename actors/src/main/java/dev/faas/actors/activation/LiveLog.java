package dev.faas.actors.activation;

import org.apache.pekko.util.ByteString;

/**
 * A running activation's stderr as it comes, on its worker's side, for whoever follows it
 * ({@code GET /v1/activations/{id}/logs?follow=true}, docs/decisions/0023). Best effort and
 * fire-and-forget: no method blocks or throws, and what cannot be sent at once is dropped (and
 * counted by the implementation), so a follower never slows the function.
 *
 * <p>Every message carries a byte offset into the activation's stored logs, so a follower can
 * tell what it missed. What is sent is exactly what the record keeps: stderr up to the log cap.
 */
public interface LiveLog {

  /** Sends nothing: a transport without live logs, and tests. */
  LiveLog NONE =
      new LiveLog() {
        @Override
        public void keptSoFar(ByteString stderr) {}

        @Override
        public void alive() {}

        @Override
        public void end(ActivationStatus status, boolean truncated) {}
      };

  /**
   * The stderr kept so far (a prefix of the record's logs; each call's a prefix of the next):
   * sends what it has more than the last call had. Called from the output stream, in order.
   */
  void keptSoFar(ByteString stderr);

  /** Says the activation still runs, and whose it is, though it wrote nothing new. */
  void alive();

  /** The activation is over and its record written: the last message. */
  void end(ActivationStatus status, boolean truncated);
}
