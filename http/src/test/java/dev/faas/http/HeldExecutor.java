package dev.faas.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * An executor a test can hold: while held, tasks wait here instead of running, so a test knows
 * exactly how much work is under way; {@link #release} runs them and stops holding.
 */
final class HeldExecutor implements Executor {
  private final ExecutorService pool;
  private final List<Runnable> waiting = new ArrayList<>();
  private boolean held;

  HeldExecutor(ExecutorService pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      if (held) {
        waiting.add(task);
        return;
      }
    }
    pool.execute(task);
  }

  synchronized void hold() {
    held = true;
  }

  /** How many tasks wait for {@link #release}. */
  synchronized int waiting() {
    return waiting.size();
  }

  void release() {
    List<Runnable> tasks;
    synchronized (this) {
      held = false;
      tasks = List.copyOf(waiting);
      waiting.clear();
    }
    tasks.forEach(pool::execute);
  }

  void shutdownNow() {
    pool.shutdownNow();
  }
}
