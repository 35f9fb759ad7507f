package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a function can and cannot do inside its container, seen from inside. */
class SandboxIT extends DockerFixture {
  private static final Logger log = LoggerFactory.getLogger(SandboxIT.class);

  @Test
  void noNetworkButLoopback() throws Exception {
    Result result = activate(spec(TestImages.SH), "cat /proc/net/dev");

    Set<String> interfaces =
        Arrays.stream(result.output().out().split("\n"))
            .filter(line -> line.contains(":"))
            .map(line -> line.substring(0, line.indexOf(':')).strip())
            .collect(Collectors.toSet());
    assertEquals(Set.of("lo"), interfaces, result.output().out());
  }

  @Test
  void rootIsReadOnlyAndTmpIsWritableButNotExecutable() throws Exception {
    Result result =
        activate(
            spec(TestImages.SH),
            """
            if touch /probe 2>/dev/null; then echo root-writable; else echo root-read-only; fi
            echo data > /tmp/probe && cat /tmp/probe
            cp /bin/busybox /tmp/bb
            if /tmp/bb true 2>/dev/null; then echo tmp-exec; else echo tmp-noexec; fi
            if cp /bin/busybox /.faas/bb 2>/dev/null; then echo init-writable; else echo init-read-only; fi
            """);

    assertEquals(
        "root-read-only\ndata\ntmp-noexec\ninit-read-only\n", result.output().out());
  }

  @Test
  void functionsRunAsAnUnprivilegedUserThatCannotWriteDev() throws Exception {
    Result result =
        activate(
            spec(TestImages.SH),
            """
            id -u; id -g
            if cp /bin/busybox /dev/bb 2>/dev/null; then echo dev-writable; else echo dev-read-only; fi
            cp /bin/busybox /dev/shm/bb
            if /dev/shm/bb true 2>/dev/null; then echo shm-exec; else echo shm-noexec; fi
            """);

    assertEquals("65534\n65534\ndev-read-only\nshm-noexec\n", result.output().out());
  }

  @Test
  void noCapabilitiesNoNewPrivilegesAndAnInit() throws Exception {
    Result result =
        activate(
            spec(TestImages.SH),
            "grep -E '^(CapEff|CapPrm|NoNewPrivs):' /proc/self/status;"
                + " tr '\\0' ' ' < /proc/1/cmdline");

    String out = result.output().out();
    assertTrue(out.contains("CapEff:\t0000000000000000\n"), out);
    assertTrue(out.contains("CapPrm:\t0000000000000000\n"), out);
    assertTrue(out.contains("NoNewPrivs:\t1\n"), out);
    assertTrue(
        out.contains("/.faas/faas-init --precall-cpu-ms=1000 -- sh"),
        "PID 1 is faas-init, running sh: " + out);
  }

  @Test
  void pidsLimitBoundsAForkBomb() throws Exception {
    long pids = 16;
    Result result =
        activate(
            spec(TestImages.SH, List.of(), 64 * MIB, pids, Map.of()),
            "i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); echo $i; done; echo done");

    List<String> lines = List.of(result.output().out().split("\n"));
    assertTrue(!lines.contains("done"), "every fork succeeded: " + lines.size() + " lines");
    int spawned = lines.stream().filter(l -> l.matches("\\d+")).mapToInt(Integer::parseInt).max()
        .orElse(0);
    log.info("Fork bomb under pids limit [{}]: [{}] children, then [{}]", pids, spawned,
        result.output().err().strip());
    // docker-init and the shell count against the limit too.
    assertTrue(spawned > 0 && spawned <= pids - 2, "spawned " + spawned);
    assertTrue(result.output().err().contains("can't fork"), result.output().err());
  }

  /**
   * Observed on this engine (20.10, cgroup v1): the kernel kills the shell for the memory limit,
   * docker-init reports it as 137 (128 + SIGKILL), and the engine usually sets OOMKilled; when its
   * OOM event loses the race with the exit event it does not, and the runtime finds the engine's
   * {@code oom} event instead (checked here directly, since the race cannot be forced).
   */
  @Test
  void memoryLimitKillsAndIsReportedAsOutOfMemory() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    Container container =
        await(runtime.start(spec(TestImages.SH, List.of(), 32 * MIB, 64, Map.of())));
    try {
      Output output =
          collect(
              container.run(
                  "echo growing; x=a; while true; do x=$x$x; done"
                      .getBytes(StandardCharsets.UTF_8)));
      ContainerExit exit = await(container.exit());

      log.info("Memory bomb under 32 MiB: [{}]", exit);
      assertEquals("growing\n", output.out());
      assertEquals(new ContainerExit(137, true), exit);
      assertTrue(await(OomEvents.seen(docker, container.id(), before)), "engine's oom event");
    } finally {
      await(container.remove());
    }
  }

  @Test
  void aSigkillThatIsNotForMemoryIsNotReportedAsOne() throws Exception {
    Result result = activate(spec(TestImages.SH), "echo bye; kill -9 $$");

    assertEquals("bye\n", result.output().out());
    assertEquals(new ContainerExit(137, false), result.exit());
  }
}
