package dev.faas.actors.activation;

import java.time.Duration;
import java.util.List;

/**
 * Completion callbacks waiting to be delivered (docs/decisions/0026): one task per final
 * asynchronous activation that asked for one, kept until it is delivered or given up, whichever
 * API node delivers it. Every method blocks for at most the transport's request timeout: call them
 * on a thread of their own, never on an actor's dispatcher.
 */
public interface CallbackQueue {

  /** The callback of activation {@code activationId} of user id {@code owner}, to {@code url}. */
  record Task(String owner, String activationId, String url) {}

  /** A task handed to one node, until it says {@link #done} or {@link #retryAfter}. */
  interface Delivery {
    Task task();

    /** 1 for the first time this task is handed out. */
    int attempt();

    /** Delivered or given up: the task goes. */
    void done();

    /** Hands the task out again after {@code delay}. */
    void retryAfter(Duration delay);
  }

  /** Queues {@code task}; a second enqueue of the same activation's task is ignored. */
  void enqueue(Task task);

  /** Up to {@code max} tasks due now, waiting at most {@code wait} for the first. */
  List<Delivery> take(int max, Duration wait);
}
