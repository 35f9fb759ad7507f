package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Containers started ahead of their activation (DESIGN.md, "The warm path"). */
class WarmPathIT extends DockerFixture {
  private static final Logger log = LoggerFactory.getLogger(WarmPathIT.class);
  private static final int RUNS = 20;
  private static final byte[] INPUT = "warm?".getBytes(StandardCharsets.UTF_8);

  @Test
  void aContainerStartedEarlyReturnsAllItsOutputLater() throws Exception {
    Container container = await(runtime.start(spec(TestImages.CHATTY)));
    try {
      // The delay is the point: the process started, wrote to stderr and blocked on stdin
      // long before anything attached.
      Thread.sleep(400);

      Output output = collect(container.run("late input".getBytes(StandardCharsets.UTF_8)));

      assertEquals("late input", output.out());
      assertEquals("ready\n", output.err(), "written before the attach, replayed");
      assertEquals(new ContainerExit(0, false), await(container.exit()));
    } finally {
      await(container.remove());
    }
  }

  @Test
  void runAndUnusedContainersLeaveNothingAwaitedBehind() throws Exception {
    List<Container> unused = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Container used = await(runtime.start(spec(TestImages.CAT)));
      unused.add(await(runtime.start(spec(TestImages.CAT))));
      try {
        assertEquals("warm?", collect(used.run(INPUT)).out());
        assertEquals(new ContainerExit(0, false), await(used.exit()));
      } finally {
        await(used.remove());
      }
    }
    assertTrue(runtime.exitsAwaited() >= 3, "the unused ones are still awaited");
    for (Container c : unused) {
      await(c.remove());
    }
    assertEquals(0, runtime.exitsAwaited(), "exits awaited after every container is gone");
  }

  /**
   * Measures run() to the end of output on pre-started containers against the whole cold cycle
   * (start, run, end of output), {@value #RUNS} of each, and writes the medians to the log and to
   * {@code target/warm-path-timings.txt}.
   */
  @Test
  void aPreStartedContainerAnswersFasterThanACold() throws Exception {
    for (int i = 0; i < 2; i++) { // warm up the JVM and the engine's caches
      coldCycleMillis();
    }
    double[] cold = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      cold[i] = coldCycleMillis();
    }

    List<Container> ready = new ArrayList<>();
    try {
      for (int i = 0; i < RUNS; i++) {
        ready.add(await(runtime.start(spec(TestImages.CAT))));
      }
      double[] warm = new double[RUNS];
      for (int i = 0; i < RUNS; i++) {
        long before = System.nanoTime();
        Output output = collect(ready.get(i).run(INPUT));
        warm[i] = (System.nanoTime() - before) / 1e6;
        assertEquals("warm?", output.out());
      }

      String report =
          String.format(
              "pre-started run() to end of output: p50 %.1f ms (min %.1f, max %.1f)%n"
                  + "cold start + run() to end of output: p50 %.1f ms (min %.1f, max %.1f)%n",
              median(warm), min(warm), max(warm), median(cold), min(cold), max(cold));
      log.info("Warm path over [{}] runs each:\n{}", RUNS, report);
      write(report);
      assertTrue(median(warm) < median(cold), report);
    } finally {
      for (Container c : ready) {
        await(c.remove());
      }
    }
  }

  private double coldCycleMillis() throws Exception {
    long before = System.nanoTime();
    Container container = await(runtime.start(spec(TestImages.CAT)));
    try {
      Output output = collect(container.run(INPUT));
      double millis = (System.nanoTime() - before) / 1e6;
      assertEquals("warm?", output.out());
      return millis;
    } finally {
      await(container.remove());
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(0);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(0);
  }

  private static void write(String report) throws IOException {
    Files.writeString(Path.of("target", "warm-path-timings.txt"), report);
  }
}
