package dev.faas.actors.worker;

import dev.faas.actors.activation.LiveLog;
import dev.faas.actors.runtime.OutputFrame;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * What a container wrote, bounded while it is being read: stdout up to its cap (past it the
 * capture is {@link #overflow()} and takes nothing more), stderr up to its cap with the rest
 * counted as truncation, read and dropped up to {@link #STDERR_DISCARD_MAX} more bytes, past
 * which it is an overflow too: a flood is not paid for until the function's timeout
 * (docs/decisions/0017). Immutable, so it can be the state of a stream's {@code scan}.
 */
public final class OutputCapture {
  /** stderr read and dropped past its cap before the container is killed as a flood. */
  public static final long STDERR_DISCARD_MAX = 16L * 1024 * 1024;

  private final long stderrDiscarded;
  private final long stdoutCap;
  private final int logCap;
  private final ByteString stdout;
  private final ByteString stderr;
  private final boolean logsTruncated;
  private final boolean overflow;

  private OutputCapture(
      long stdoutCap,
      int logCap,
      ByteString stdout,
      ByteString stderr,
      boolean logsTruncated,
      boolean overflow) {
    this(stdoutCap, logCap, stdout, stderr, logsTruncated, overflow, 0);
  }

  private OutputCapture(
      long stdoutCap,
      int logCap,
      ByteString stdout,
      ByteString stderr,
      boolean logsTruncated,
      boolean overflow,
      long stderrDiscarded) {
    this.stderrDiscarded = stderrDiscarded;
    this.stdoutCap = stdoutCap;
    this.logCap = logCap;
    this.stdout = stdout;
    this.stderr = stderr;
    this.logsTruncated = logsTruncated;
    this.overflow = overflow;
  }

  /**
   * Runs {@code output} into a capture. The stream stops pulling once stdout is past its cap, so
   * the rest is never read (the caller kills the container); the kill switch ends it early (at a
   * timeout) with what was read so far.
   */
  public static Pair<UniqueKillSwitch, CompletionStage<OutputCapture>> collect(
      Source<OutputFrame, ?> output, long stdoutCap, int logCap, Materializer materializer) {
    return collect(output, stdoutCap, logCap, LiveLog.NONE, materializer);
  }

  /**
   * As {@link #collect(Source, long, int, Materializer)}, telling {@code live} the stderr kept
   * after every frame: live logs are the stored logs as they grow, capped alike. {@code live}
   * must not block (it is called in the stream).
   */
  public static Pair<UniqueKillSwitch, CompletionStage<OutputCapture>> collect(
      Source<OutputFrame, ?> output,
      long stdoutCap,
      int logCap,
      LiveLog live,
      Materializer materializer) {
    return output
        .viaMat(KillSwitches.single(), Keep.right())
        .scan(empty(stdoutCap, logCap), OutputCapture::add)
        .map(
            capture -> {
              live.keptSoFar(capture.stderr());
              return capture;
            })
        .takeWhile(capture -> !capture.overflow(), true)
        .toMat(Sink.last(), Keep.both())
        .run(materializer);
  }

  public static OutputCapture empty(long stdoutCap, int logCap) {
    return new OutputCapture(
        stdoutCap, logCap, ByteString.emptyByteString(), ByteString.emptyByteString(), false,
        false);
  }

  /** This capture with {@code frame} added, within the caps. */
  public OutputCapture add(OutputFrame frame) {
    if (overflow) {
      return this;
    }
    ByteString bytes = frame.bytes();
    if (frame.channel() == OutputFrame.Channel.STDOUT) {
      if ((long) stdout.size() + bytes.size() > stdoutCap) {
        return new OutputCapture(stdoutCap, logCap, stdout, stderr, logsTruncated, true);
      }
      return new OutputCapture(
          stdoutCap, logCap, stdout.concat(bytes), stderr, logsTruncated, false, stderrDiscarded);
    }
    int room = logCap - stderr.size();
    if (bytes.size() <= room) {
      return new OutputCapture(
          stdoutCap, logCap, stdout, stderr.concat(bytes), logsTruncated, false, stderrDiscarded);
    }
    ByteString kept = room > 0 ? stderr.concat(bytes.take(room)) : stderr;
    long discarded = stderrDiscarded + bytes.size() - Math.max(room, 0);
    return new OutputCapture(
        stdoutCap, logCap, stdout, kept, true, discarded > STDERR_DISCARD_MAX, discarded);
  }

  public ByteString stdout() {
    return stdout;
  }

  public ByteString stderr() {
    return stderr;
  }

  public boolean logsTruncated() {
    return logsTruncated;
  }

  /**
   * True once stdout went past its cap, or stderr past its cap by more than {@link
   * #STDERR_DISCARD_MAX}: the container must be killed.
   */
  public boolean overflow() {
    return overflow;
  }
}
