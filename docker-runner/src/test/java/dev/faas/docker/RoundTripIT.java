package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.runtime.ContainerExit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The parameter in, the result out, byte for byte; stderr apart; exit codes; args mode. */
class RoundTripIT extends DockerFixture {

  static Stream<Arguments> inputs() {
    return Stream.of(
        Arguments.of("unicode", "héllo wörld 😀🚀 漢字かな e\u0301 \u200d👩‍👩‍👧 ∑∞"),
        Arguments.of("empty", ""),
        Arguments.of("700 KiB", large(700 * 1024)),
        Arguments.of("trailing newline", "line one\nline two\n"),
        Arguments.of("no trailing newline", "line one\nline two"),
        Arguments.of("only newlines and spaces", "\n \n\t\r\n  "));
  }

  /** Mixed ASCII and multi-byte text, lines of varying length, exactly {@code bytes} long. */
  static String large(int bytes) {
    Random random = new Random(42);
    StringBuilder text = new StringBuilder();
    String[] pieces = {"lorem ", "ipsum ", "ünïcödé ", "漢字 ", "😀 ", "\n", "x"};
    while (text.toString().getBytes(StandardCharsets.UTF_8).length < bytes - 64) {
      for (int i = 0; i < 1000; i++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
    }
    String s = text.toString();
    while (s.getBytes(StandardCharsets.UTF_8).length > bytes) {
      s = s.substring(0, s.length() - 1);
    }
    return s + "x".repeat(bytes - s.getBytes(StandardCharsets.UTF_8).length);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void catReturnsItsInputExactly(String name, String input) throws Exception {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);

    Result result = activate(spec(TestImages.CAT), bytes);

    assertArrayEquals(bytes, result.output().stdout().toArray(), name);
    assertEquals("", result.output().err());
    assertEquals(new ContainerExit(0, false), result.exit());
  }

  @Test
  void everyByteValueSurvives() throws Exception {
    byte[] bytes = new byte[256 * 4];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }

    Result result = activate(spec(TestImages.CAT), bytes);

    assertArrayEquals(bytes, result.output().stdout().toArray());
  }

  @Test
  void stderrArrivesApartFromStdout() throws Exception {
    Result result =
        activate(
            spec(TestImages.SH),
            "echo out1; echo err1 >&2; printf out2; printf 'err2' >&2; echo out3");

    assertEquals("out1\nout2out3\n", result.output().out());
    assertEquals("err1\nerr2", result.output().err());
  }

  @Test
  void nonZeroExitCodeIsReported() throws Exception {
    Result result = activate(spec(TestImages.SH), "echo before; exit 3");

    assertEquals("before\n", result.output().out());
    assertEquals(new ContainerExit(3, false), result.exit());
  }

  @Test
  void argsAreAppendedToTheImageCommand() throws Exception {
    Result result =
        activate(spec(TestImages.ECHO, List.of("world"), 64 * MIB, 64, Map.of()), "");

    assertEquals("hello world\n", result.output().out());
    assertEquals(new ContainerExit(0, false), result.exit());
  }

  @Test
  void concurrentActivationsKeepTheirOwnOutput() throws Exception {
    // Not the runtime's executor: these callers block, and would starve the runtime's calls.
    ExecutorService callers = Executors.newFixedThreadPool(8);
    List<CompletableFuture<Result>> running = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String input = ("activation " + i + "\n").repeat(2000 * (i + 1));
      running.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return activate(spec(TestImages.CAT), input);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              callers));
    }
    try {
      for (int i = 0; i < running.size(); i++) {
        Result result = running.get(i).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(("activation " + i + "\n").repeat(2000 * (i + 1)), result.output().out());
      }
    } finally {
      callers.shutdown();
    }
  }

  @Test
  void argsModeStillGetsStdin() throws Exception {
    Result result =
        activate(
            spec(TestImages.SH_C, List.of("cat; echo \" $FAAS_TEST $0\"", "zero"), 64 * MIB, 64,
                Map.of()),
            "from stdin");

    assertEquals("from stdin 1 zero\n", result.output().out());
  }
}
