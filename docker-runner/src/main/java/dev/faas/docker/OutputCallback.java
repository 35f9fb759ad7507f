package dev.faas.docker;

import com.github.dockerjava.api.model.Frame;
import dev.faas.actors.runtime.OutputFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.util.ByteString;

/**
 * Receives the frames of one stdout/stderr attach and offers them to a stream queue.
 *
 * <p>The attach may be made before anybody consumes it (a container attached before it is
 * started, to wait in the warm pool): the queue is then {@link #bind bound} later, when the run
 * begins. Until then a frame that arrives (a process writing before it reads its input) waits
 * for the queue on docker-java's thread, and the end of the attach is applied once it is bound.
 *
 * <p>Backpressure: docker-java reads an attach on a thread of its own and calls {@link #onNext}
 * there. This callback blocks that thread until the queue (created with {@code backpressure} and a
 * bounded buffer) accepts the frame, so while the consumer is slow nothing more is read from the
 * socket; the engine's buffers fill and the container's writes block. What sits in memory here is
 * at most the queue's buffer plus the one frame being offered.
 *
 * <p>End: the attach ending, or for a container under faas-init its {@link ExitMarks} showing
 * that the function's process has exited and both streams are complete, which comes some 30 ms
 * before the engine ends the attach (docs/decisions/0006).
 */
final class OutputCallback extends EngineCallback<Frame> {
  private final CompletableFuture<SourceQueueWithComplete<OutputFrame>> queue =
      new CompletableFuture<>();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final AtomicLong frames = new AtomicLong();
  private volatile boolean offering;
  private volatile long lastActivityNanos = System.nanoTime();
  /** Null for a container not under faas-init. */
  private final ExitMarks marks;
  private final IntConsumer markedExit;

  /** For a container whose output carries no marks: it ends when the attach ends. */
  OutputCallback() {
    this(null, code -> {});
  }

  /**
   * For a container under faas-init: the output ends at its marks, and {@code markedExit} is told
   * the exit status they carry (before the queue completes).
   */
  OutputCallback(ExitMarks marks, IntConsumer markedExit) {
    this.marks = marks;
    this.markedExit = markedExit;
  }

  /** Hands the frames to {@code consumer} from now on; the first binding wins. */
  void bind(SourceQueueWithComplete<OutputFrame> consumer) {
    if (!queue.complete(consumer)) {
      consumer.fail(new IllegalStateException("a container's output can be consumed only once"));
    }
  }

  /** Completes when the engine has accepted the attach: its output pipes are connected. */
  CompletableFuture<Void> started() {
    return started;
  }

  /** Completes when the attach has ended, whichever way. */
  CompletableFuture<Void> finished() {
    return finished;
  }

  /**
   * Frames offered to the consumer so far (the engine's, less faas-init's marks); the tests use
   * it to see that reading stops for a slow consumer.
   */
  long frames() {
    return frames.get();
  }

  /** True when no frame arrived or waited for the consumer during the last {@code nanos}. */
  boolean idleFor(long nanos) {
    return !offering && System.nanoTime() - lastActivityNanos >= nanos;
  }

  @Override
  protected void answered() {
    lastActivityNanos = System.nanoTime();
    started.complete(null);
  }

  /** Closes the call; a frame waiting for a queue that will never come is let go. */
  @Override
  public void close() {
    super.close();
    queue.completeExceptionally(new IllegalStateException("output attach closed"));
  }

  @Override
  public void onNext(Frame frame) {
    byte[] payload = frame.getPayload();
    OutputFrame.Channel channel =
        switch (frame.getStreamType()) {
          case STDERR -> OutputFrame.Channel.STDERR;
          case STDOUT, RAW -> OutputFrame.Channel.STDOUT;
          default -> null;
        };
    if (channel == null || payload == null || payload.length == 0 || closing()) {
      return;
    }
    if (marks == null) {
      // Copied: docker-java hands over its own 1 KiB read buffer for full frames, then reuses it.
      offer(new OutputFrame(channel, ByteString.fromArray(payload)));
      return;
    }
    // ExitMarks copies what it passes on.
    for (OutputFrame out : marks.accept(channel, payload)) {
      if (!offer(out)) {
        return;
      }
    }
    if (marks.ended()) {
      markedExit.accept(marks.exitCode());
      queue.thenAccept(SourceQueueWithComplete::complete);
    }
  }

  /** Offers {@code out} to the bound queue, waiting for it; false once the consumer is gone. */
  private boolean offer(OutputFrame out) {
    frames.incrementAndGet();
    offering = true;
    try {
      QueueOfferResult result = queue.get().offer(out).toCompletableFuture().get();
      if (!result.isEnqueued()) {
        close(); // the consumer is gone
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      return false;
    } catch (ExecutionException e) {
      close(); // never bound, or the stream failed or was cancelled while this frame waited
      return false;
    } finally {
      offering = false;
      lastActivityNanos = System.nanoTime();
    }
  }

  @Override
  public void onError(Throwable failure) {
    started.completeExceptionally(failure);
    boolean intended = closing();
    queue.thenAccept(
        q -> {
          if (intended) {
            // The error is the socket we closed ourselves: an intended end, not a failure.
            q.complete();
          } else {
            q.fail(EngineErrors.of("stream the container's output", failure));
          }
        });
    finished.complete(null);
  }

  @Override
  public void onComplete() {
    // docker-java calls onComplete after onError too; the queue ignores the second end.
    started.complete(null);
    if (marks != null && queue.isDone() && !closing() && !marks.ended()) {
      // Ended without both trailers (killed, say): what was held back is output after all.
      for (OutputFrame out : marks.drain()) {
        if (!offer(out)) {
          break;
        }
      }
    }
    queue.thenAccept(SourceQueueWithComplete::complete);
    finished.complete(null);
  }
}
