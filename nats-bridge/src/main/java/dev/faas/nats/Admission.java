package dev.faas.nats;

import dev.faas.actors.activation.AdmissionRefused;
import io.nats.client.JetStreamApiException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns what a publish to the {@code ACTIVATIONS} stream failed with into an admission refusal. */
final class Admission {
  /**
   * JetStream's "store failed" error: with a discard-new stream at its message bound the
   * description is "maximum messages exceeded". Other store failures share the code.
   */
  static final int STORE_FAILED = 10077;

  private Admission() {}

  /** {@link AdmissionRefused.Full} for the stream's bound, {@link AdmissionRefused.Unavailable} else. */
  static AdmissionRefused refusal(Throwable failure) {
    // jnats wraps API errors of an asynchronous publish in a RuntimeException, and futures wrap
    // that again: look through the whole chain.
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AdmissionRefused refused) {
        return refused;
      }
      if (isFull(t)) {
        return new AdmissionRefused.Full();
      }
      if (t instanceof TimeoutException) {
        return new AdmissionRefused.Unavailable("the activation queue did not answer in time", t);
      }
    }
    Throwable root = failure;
    while ((root instanceof CompletionException || root instanceof ExecutionException)
        && root.getCause() != null) {
      root = root.getCause();
    }
    // The message reaches the caller's problem body: it names no library or exception, only the
    // situation; the cause stays attached for the logs.
    return new AdmissionRefused.Unavailable("the activation queue is unreachable", root);
  }

  static boolean isFull(Throwable cause) {
    return cause instanceof JetStreamApiException e
        && e.getApiErrorCode() == STORE_FAILED
        && e.getErrorDescription() != null
        && e.getErrorDescription().contains("maximum messages exceeded");
  }
}
