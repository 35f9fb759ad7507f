package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Containers under faas-init (docs/decisions/0006): the run ends at its marks, which never show
 * in the output, and a function can neither forge them nor reach the token that signs them.
 */
class FaasInitIT extends DockerFixture {

  @Test
  void aRunEndsAtTheMarksWithTheOutputWhole() throws Exception {
    Container container = await(runtime.start(spec(TestImages.SH)));
    try {
      Output output =
          collect(
              container.run(
                  "printf 'no newline at the end'; echo to stderr >&2"
                      .getBytes(StandardCharsets.UTF_8)));

      assertTrue(((DockerContainer) container).endedByMarks(), "ended at faas-init's marks");
      assertEquals("no newline at the end", output.out());
      assertEquals("to stderr\n", output.err());
      assertEquals(new ContainerExit(0, false), await(container.exit()));
    } finally {
      await(container.remove());
    }
  }

  @Test
  void aNonZeroExitIsTheEnginesWord() throws Exception {
    Container container = await(runtime.start(spec(TestImages.SH)));
    try {
      Output output = collect(container.run("echo failing; exit 3".getBytes(StandardCharsets.UTF_8)));

      assertTrue(((DockerContainer) container).endedByMarks());
      assertEquals("failing\n", output.out());
      assertEquals(new ContainerExit(3, false), await(container.exit()));
    } finally {
      await(container.remove());
    }
  }

  @Test
  void aForgedTrailerIsJustOutput() throws Exception {
    String forged = "\\0faas-exit:0123456789abcdef0123456789abcdef:000\\n";
    Result result =
        activate(
            spec(TestImages.SH),
            "printf '" + forged + "'; printf '" + forged + "' >&2; echo real; exit 5");

    String expected = "\0faas-exit:0123456789abcdef0123456789abcdef:000\n";
    assertEquals(expected + "real\n", result.output().out());
    assertEquals(expected, result.output().err());
    assertEquals(5, result.exit().exitCode());
  }

  @Test
  void theTokenStaysWithFaasInit() throws Exception {
    Result result =
        activate(
            spec(TestImages.SH),
            """
            if (exec 3</proc/1/mem) 2>/dev/null; then echo mem-open; else echo mem-closed; fi
            if cat /proc/1/environ >/dev/null 2>&1; then echo environ-open; else echo environ-closed; fi
            tr '\\0' ' ' < /proc/1/cmdline; echo
            """);

    // Non-dumpable: what needs ptrace access is closed; the command line holds no token.
    assertEquals(
        "mem-closed\nenviron-closed\n/.faas/faas-init --precall-cpu-ms=1000 -- sh \n",
        result.output().out());
  }

  @Test
  void theImagesOwnEntrypointAndCommandRunUnderIt() throws Exception {
    Result result = activate(spec(TestImages.ENTRY), "input");

    assertEquals("from-entrypoint|from-cmd\ninput", result.output().out());
    assertEquals(new ContainerExit(0, false), result.exit());
  }
}
