package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.runtime.OutputFrame;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The caps as the stream enforces them. */
class OutputCaptureStreamTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Materializer materializer = Materializer.matFromSystem(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void anEndlessStdoutIsReadOnlyJustPastItsCap() throws Exception {
    AtomicInteger pulled = new AtomicInteger();
    Source<OutputFrame, ?> yes =
        Source.repeat(FakeRuntime.out("y".repeat(1000))).map(f -> {
          pulled.incrementAndGet();
          return f;
        });
    OutputCapture capture =
        OutputCapture.collect(yes, 10_000, 100, materializer).second()
            .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(capture.overflow());
    assertEquals(10_000, capture.stdout().size());
    assertTrue(pulled.get() <= 20, "read " + pulled.get() + " chunks of an endless stream");
  }

  @Test
  void theKillSwitchEndsAHangingStreamWithWhatWasRead() throws Exception {
    AtomicInteger passed = new AtomicInteger();
    Source<OutputFrame, ?> hanging =
        Source.from(List.of(FakeRuntime.out("part"), FakeRuntime.err("log")))
            .concat(Source.completionStageSource(
                new CompletableFuture<Source<OutputFrame, org.apache.pekko.NotUsed>>()))
            .map(f -> {
              passed.incrementAndGet();
              return f;
            });
    Pair<UniqueKillSwitch, java.util.concurrent.CompletionStage<OutputCapture>> run =
        OutputCapture.collect(hanging, 100, 100, materializer);
    CompletableFuture<OutputCapture> result = run.second().toCompletableFuture();
    testKit.createTestProbe().awaitAssert(() -> {
      assertEquals(2, passed.get());
      return null;
    });
    assertFalse(result.isDone(), "still waiting on the hung process");
    run.first().shutdown();
    OutputCapture capture = result.get(5, TimeUnit.SECONDS);
    assertFalse(capture.overflow());
    assertEquals(ByteString.fromString("part"), capture.stdout());
    assertEquals(ByteString.fromString("log"), capture.stderr());
  }
}
