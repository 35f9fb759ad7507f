package dev.faas.nats;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.LiveLog;
import dev.faas.actors.activation.LiveLogMessage;
import org.apache.pekko.util.ByteString;

/**
 * One activation's live log on its worker: each message on core NATS to {@code
 * faas.logs.<activationId>}, through the worker's {@link LiveLogPublisher} (fire-and-forget,
 * bounded). Sent whether anybody follows or not: core NATS drops a message nobody subscribes to
 * at the server, and the cost is measured in docs/decisions/0023.
 */
final class NatsLiveLog implements LiveLog {
  private final LiveLogPublisher publisher;
  private final String subject;
  private final String owner;
  private final String startedBy;
  /** Bytes of the stored logs offered so far; written by the output stream only. */
  private volatile long sent;

  NatsLiveLog(LiveLogPublisher publisher, ActivationRequest request) {
    this.publisher = publisher;
    this.subject = Subjects.logs(request.activationId());
    this.owner = request.function().owner();
    this.startedBy = request.startedBy();
  }

  @Override
  public void keptSoFar(ByteString stderr) {
    long from = sent;
    if (stderr.size() <= from) {
      return;
    }
    byte[] fresh = stderr.drop((int) from).toArray();
    offer(new LiveLogMessage(owner, startedBy, LiveLogMessage.Kind.CHUNK, from, fresh, null,
        false));
    // After the offer: an alive message read with this offset is queued after the chunk.
    sent = stderr.size();
  }

  @Override
  public void alive() {
    offer(new LiveLogMessage(owner, startedBy, LiveLogMessage.Kind.ALIVE, sent, null, null,
        false));
  }

  @Override
  public void end(ActivationStatus status, boolean truncated) {
    offer(new LiveLogMessage(owner, startedBy, LiveLogMessage.Kind.END, sent, null, status,
        truncated));
  }

  private void offer(LiveLogMessage message) {
    publisher.offer(
        new LiveLogPublisher.Pending(subject, LiveLogWire.headers(message), message.bytes()));
  }
}
