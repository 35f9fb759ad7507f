package dev.faas.actors.activation;

import java.util.List;

/**
 * One page of an owner's activation records, newest first (API.md, "Listing activations").
 *
 * @param activations the records, each without {@code result} and {@code logs} (both null): those
 *     are read one record at a time
 * @param nextCursor where the next page starts, opaque to everyone but the store; null when there
 *     is no more
 */
public record ActivationPage(List<ActivationRecord> activations, String nextCursor) {

  public ActivationPage {
    activations = List.copyOf(activations);
  }

  /** A page with nothing on it and nothing after it. */
  public static ActivationPage empty() {
    return new ActivationPage(List.of(), null);
  }

  /**
   * A cursor the store did not make, or made for another listing (another owner, another
   * function filter): the caller's mistake, never a store failure.
   */
  public static final class BadCursor extends IllegalArgumentException {
    public BadCursor(String message) {
      super(message);
    }
  }
}
