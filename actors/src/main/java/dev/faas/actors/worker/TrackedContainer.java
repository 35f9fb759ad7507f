package dev.faas.actors.worker;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.ImagePull;
import dev.faas.actors.runtime.OutputFrame;
import dev.faas.actors.runtime.PreCall;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * An acquired container that tells the pool, once, when its activation is over: at its removal,
 * which the runner starts on every path once the activation is settled (answered), so the pool
 * sees how many of a key run at once, and its deferred pre-starts wait for the answer.
 */
final class TrackedContainer implements Container {
  private final Container delegate;
  private final Runnable onDone;
  private final AtomicBoolean done = new AtomicBoolean();

  TrackedContainer(Container delegate, Runnable onDone) {
    this.delegate = delegate;
    this.onDone = onDone;
  }

  private void done() {
    if (done.compareAndSet(false, true)) {
      onDone.run();
    }
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public Source<OutputFrame, NotUsed> run(byte[] input) {
    return delegate.run(input);
  }

  @Override
  public Optional<PreCall> preCall() {
    return delegate.preCall();
  }

  @Override
  public Optional<ImagePull> pulled() {
    return delegate.pulled();
  }

  @Override
  public CompletionStage<ContainerExit> exit() {
    return delegate.exit();
  }

  @Override
  public CompletionStage<Void> kill() {
    return delegate.kill();
  }

  @Override
  public CompletionStage<Void> remove() {
    try {
      return delegate.remove();
    } finally {
      done();
    }
  }

  @Override
  public String toString() {
    return "TrackedContainer[" + delegate.id() + "]";
  }
}
