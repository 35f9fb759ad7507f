package dev.faas.node.callback;

/** How one callback POST ended; what the caller's retry decision is made from. */
public sealed interface Delivery {

  /** The receiver answered 2xx: done. */
  record Delivered(int status) implements Delivery {}

  /**
   * Worth retrying later: {@code status} is the receiver's non-2xx status (3xx included: redirects are
   * not followed), or 0 when no status came back (no connection, DNS failure, timeout, broken stream).
   */
  record Failed(String reason, int status) implements Delivery {}

  /**
   * Never worth retrying: the URL is malformed or not http(s), or the host is, or resolves to, an address
   * callbacks may not reach. The reason names the host and the address, never a secret.
   */
  record Refused(String reason) implements Delivery {}
}
