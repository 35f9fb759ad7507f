package dev.faas.nats;

import dev.faas.actors.activation.AdmissionRefused;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Deletes a queued request by its stream sequence, freeing its place. A request a worker already
 * finished is gone from the work queue: "no message found" is success.
 */
final class Withdrawals {
  static final int NO_MESSAGE_FOUND = 10037;
  // What nats-server 2.9 answers a delete of a sequence that is gone: a failed delete saying
  // "no message found".
  static final int DELETE_FAILED = 10057;

  private final Buckets buckets;
  private final Duration timeout;

  Withdrawals(Buckets buckets, Duration timeout) {
    this.buckets = buckets;
    this.timeout = timeout;
  }

  /** Deletes message {@code sequence} on {@code blocking}. */
  CompletionStage<Void> withdraw(long sequence, Executor blocking) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      blocking.execute(() -> delete(sequence, done));
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new AdmissionRefused.Unavailable("executor shut down", e));
    }
    return done;
  }

  private void delete(long sequence, CompletableFuture<Void> done) {
    Connection conn = buckets.connection();
    if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
      done.completeExceptionally(new AdmissionRefused.Unavailable("not connected to NATS", null));
      return;
    }
    try {
      conn.jetStreamManagement(JetStreamOptions.builder().requestTimeout(timeout).build())
          .deleteMessage(ActivationStream.STREAM, sequence, false);
      done.complete(null);
    } catch (JetStreamApiException e) {
      if (isGone(e)) {
        done.complete(null);
      } else {
        done.completeExceptionally(Admission.refusal(e));
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      done.completeExceptionally(Admission.refusal(e));
    }
  }

  static boolean isGone(JetStreamApiException e) {
    String description = e.getErrorDescription() == null ? "" : e.getErrorDescription();
    return e.getApiErrorCode() == NO_MESSAGE_FOUND
        || (e.getApiErrorCode() == DELETE_FAILED && description.contains("no message found"));
  }
}
