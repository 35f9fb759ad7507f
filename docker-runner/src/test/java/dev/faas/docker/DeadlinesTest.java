package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private final Deadlines deadlines = new Deadlines();

  @AfterEach
  void close() {
    deadlines.close();
  }

  @Test
  void aCallBlockedOnAChannelPastItsDeadlineIsCutAndItsThreadLeftClean() throws Exception {
    Pipe pipe = Pipe.open();
    // Nothing is ever written: the read blocks as a read from a hung engine does.
    Deadlines.Call call = deadlines.start(Duration.ofMillis(100), "read a silent pipe");
    long before = System.nanoTime();
    assertThrows(
        ClosedByInterruptException.class, () -> pipe.source().read(ByteBuffer.allocate(16)));
    call.end();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

    assertTrue(call.expired());
    assertTrue(tookMillis >= 90 && tookMillis < 5_000, "cut after " + tookMillis + " ms");
    assertFalse(Thread.interrupted(), "the thread goes back to its pool without the interrupt");
    assertFalse(pipe.source().isOpen(), "the channel, like an engine connection, is closed");
    assertTrue(deadlines.expiredCount() >= 1);
  }

  @Test
  void aCallThatEndsInTimeIsNeverInterruptedLater() throws Exception {
    Deadlines.Call call = deadlines.start(Duration.ofMillis(50), "a quick call");
    call.end();
    // Past the deadline: an interrupt, had it been left scheduled, would land now.
    CountDownLatch never = new CountDownLatch(1);
    assertFalse(never.await(200, TimeUnit.MILLISECONDS), "waited undisturbed past the deadline");
    assertFalse(call.expired());
    assertFalse(Thread.currentThread().isInterrupted());
  }
}
