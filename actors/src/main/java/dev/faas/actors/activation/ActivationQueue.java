package dev.faas.actors.activation;

import dev.faas.actors.model.FunctionSpec;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The API node's side of the activation transport. The queue is bounded cluster-wide: its bound
 * is the maximum of concurrent activations, and a request holds its place until its worker is
 * done with it, so admission is exact across every API node.
 */
public interface ActivationQueue {

  /**
   * Starts delivering the events workers send for {@code activationId} to {@code onEvent} (on the
   * transport's thread). Call before {@link #submit} so no event is missed; close to stop.
   */
  AutoCloseable listen(String activationId, Consumer<WorkerEvent> onEvent);

  /**
   * Queues the request. Completes with a ticket for {@link #withdraw}, or fails with {@link
   * AdmissionRefused.Full} when the cluster is at its limit and {@link
   * AdmissionRefused.Unavailable} when no worker runs or the queue is unreachable.
   */
  CompletionStage<Long> submit(ActivationRequest request);

  /**
   * Removes a request that no worker has taken, freeing its place at once. Harmless when a worker
   * already took or finished it.
   */
  CompletionStage<Void> withdraw(long ticket);

  /** How many workers announced themselves recently; 0 means a submit would wait for nobody. */
  int liveWorkers();

  /**
   * A live worker that announced pre-started containers for {@code function} and a free slot,
   * if any: where the activation should go (docs/decisions/0005).
   */
  Optional<String> warmWorker(FunctionSpec function);

  /**
   * Queues the request for {@code worker} alone, as {@link #submit(ActivationRequest)} does
   * otherwise. Nobody else takes it: the caller withdraws it and queues it for any worker when
   * that worker has not taken it by the request's {@code acceptBy}.
   */
  CompletionStage<Long> submit(ActivationRequest request, String worker);

  /**
   * This node's own link to the transport now. Workers' events reach the node only over it, so
   * silence from a worker while the link is down, or across a change of it, says nothing about
   * the worker.
   */
  Link link();

  /**
   * The state of a node's link to the transport.
   *
   * @param connected true while events can reach this node
   * @param changes how many times the link went down or came back since the node started: two
   *     readings with the same count and {@code connected} both times saw no outage in between
   */
  record Link(boolean connected, long changes) {
    public static final Link UP = new Link(true, 0);
  }
}
