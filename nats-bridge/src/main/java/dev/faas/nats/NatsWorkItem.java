package dev.faas.nats;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.LiveLog;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.outcome.FailureKind;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pulled request. Ack and term are confirmed by the server (a request on the message's ack
 * subject), so their futures complete only once the place in the stream is free.
 */
final class NatsWorkItem implements WorkItem {
  private static final Logger log = LoggerFactory.getLogger(NatsWorkItem.class);
  private static final byte[] TERM = "+TERM".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ACK = "+ACK".getBytes(StandardCharsets.US_ASCII);

  /** One blocking acknowledgement call. */
  @FunctionalInterface
  private interface AckCall {
    void run() throws Exception;
  }

  private final Message message;
  private final ActivationRequest request;
  private final Executor blocking;
  private final Duration timeout;
  private final LiveLog liveLog;

  NatsWorkItem(Message message, ActivationRequest request, Executor blocking, Duration timeout) {
    this(message, request, blocking, timeout, null);
  }

  /** @param liveLogs where its live log goes; null for none */
  NatsWorkItem(
      Message message,
      ActivationRequest request,
      Executor blocking,
      Duration timeout,
      LiveLogPublisher liveLogs) {
    this.message = message;
    this.request = request;
    this.blocking = blocking;
    this.timeout = timeout;
    this.liveLog = liveLogs == null ? LiveLog.NONE : new NatsLiveLog(liveLogs, request);
  }

  @Override
  public LiveLog liveLog() {
    return liveLog;
  }

  @Override
  public ActivationRequest request() {
    return request;
  }

  @Override
  public int deliveryCount() {
    return (int) message.metaData().deliveredCount();
  }

  /** {@inheritDoc} Resets the ack wait; not confirmed by the server. */
  @Override
  public CompletionStage<Void> inProgress() {
    return run(message::inProgress);
  }

  /**
   * {@inheritDoc} What {@code ackSync} sends ({@code +ACK} as a request, answered by the server
   * once the ack is applied), asynchronously: an ack is on every activation's way back to its
   * caller, and no executor thread needs to wait for it.
   */
  @Override
  public CompletionStage<Void> ack() {
    return releasingPermits(ackOnly());
  }

  private CompletionStage<Void> ackOnly() {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    try {
      message
          .getConnection()
          .request(message.getReplyTo(), ACK)
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (answer, failure) -> {
                if (failure == null) {
                  acked.complete(null);
                } else {
                  acked.completeExceptionally(failure);
                }
              });
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
    return acked;
  }

  /** {@inheritDoc} A JetStream term: removed from the work queue, never redelivered. */
  @Override
  public CompletionStage<Void> drop() {
    return releasingPermits(dropOnly());
  }

  /**
   * Once the message is settled (or its settling failed: then a redelivery is dropped by whoever
   * gets it, which gives them back again, harmlessly), gives back the permits its headers name
   * (docs/decisions/0015). Settled first, so the activation is over before its permits are free.
   */
  private CompletionStage<Void> releasingPermits(CompletionStage<Void> settled) {
    Permits.Held held = Permits.Held.from(message.getHeaders());
    if (held.equals(Permits.Held.NONE)) {
      return settled;
    }
    // The settling's own outcome is what the caller sees; it completes once the permits are
    // given back too (or failed to be), so a caller answered after the ack finds them free.
    return settled.handle((ok, failure) -> failure)
        .thenCompose(
            failure ->
                run(() -> Permits.release(message.getConnection(), timeout, held))
                    .handle(
                        (ok, e) -> {
                          if (e != null) {
                            log.warn("Permits of activation [{}] not given back (they expire at"
                                + " the streams' max age): [{}]", request.activationId(),
                                e.toString());
                          }
                          if (failure != null) {
                            throw failure instanceof CompletionException c
                                ? c
                                : new CompletionException(failure);
                          }
                          return (Void) null;
                        }));
  }

  private CompletionStage<Void> dropOnly() {
    return run(
        () -> {
          Connection conn = message.getConnection();
          if (conn.request(message.getReplyTo(), TERM, timeout) == null) {
            throw new TimeoutException("term of " + request.activationId() + " not confirmed");
          }
        });
  }

  /** {@inheritDoc} Core NATS, fire and forget; failures are logged, never thrown. */
  @Override
  public void reply(WorkerEvent event) {
    try {
      Connection conn = message.getConnection();
      MessageCodec.Encoded encoded = MessageCodec.encode(event);
      if (encoded.size() > conn.getMaxPayload()) {
        encoded = MessageCodec.encode(withoutResult(event, encoded.size(), conn.getMaxPayload()));
      }
      conn.publish(request.replyTo(), encoded.headers(), encoded.body());
    } catch (RuntimeException e) {
      log.warn(
          "Reply [{}] for activation [{}] not sent: [{}]",
          event.getClass().getSimpleName(),
          request.activationId(),
          e.toString());
    }
  }

  // Only a result can make an event this large. Its caller is better told that the platform
  // failed than left waiting for an event the server refuses; the stored record keeps what fits.
  private static WorkerEvent withoutResult(WorkerEvent event, int size, long maxPayload) {
    if (!(event instanceof WorkerEvent.Completed completed)) {
      return event;
    }
    ActivationRecord r = completed.record();
    log.error(
        "Result of activation [{}] ({} bytes with its record) is over the server's max payload"
            + " of [{}] bytes: replying with a platform error. Raise max_payload to at least 2 MiB",
        r.activationId(),
        size,
        maxPayload);
    return new WorkerEvent.Completed(
        completed.activationId(),
        new ActivationRecord(
            r.activationId(), r.owner(), r.function(), ActivationStatus.FAILED,
            FailureKind.PLATFORM_ERROR, r.exitCode(), new byte[0], r.logs(), r.logsTruncated(),
            r.startedAt(), r.durationMs(), r.worker(), r.warm(), r.queuedMs(), r.acquireMs(),
            r.runMs(), r.preCallCpuMs(), r.preCallFrozen(), r.startedBy(), r.requestId(),
            null));
  }

  private CompletionStage<Void> run(AckCall call) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      blocking.execute(
          () -> {
            try {
              call.run();
              done.complete(null);
            } catch (Exception e) {
              if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
              }
              done.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }
}
