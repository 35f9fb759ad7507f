package dev.faas.http;

/**
 * A request the API refuses with 400. The message is the problem's {@code detail}, written for the
 * client and naming the field at fault; it never carries another exception's text.
 */
final class InvalidRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidRequest(String detail) {
    // No stack trace: this is an answer to the client, not a fault to debug.
    super(detail, null, false, false);
  }
}
