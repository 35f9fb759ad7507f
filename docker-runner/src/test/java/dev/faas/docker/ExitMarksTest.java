package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.runtime.OutputFrame;
import dev.faas.actors.runtime.OutputFrame.Channel;
import dev.faas.actors.runtime.PreCall;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitMarksTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";
  private static final String HEADER = "\0faas-init:" + TOKEN + "\n";

  private static String trailer(String token, int code) {
    return "\0faas-exit:" + token + ":" + String.format("%03d", code) + "\n";
  }

  private static String call(String token, long cpuMs, char state) {
    return "\0faas-call:" + token + ":" + String.format("%010d", cpuMs) + ":" + state + "\n";
  }

  /** What a consumer of the marks would see: the output of each stream, and the end. */
  private static final class Seen {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    void add(List<OutputFrame> frames) {
      for (OutputFrame f : frames) {
        assertTrue(f.bytes().size() > 0, "no empty frames");
        (f.channel() == Channel.STDOUT ? out : err).writeBytes(f.bytes().toArray());
      }
    }

    String out() {
      return out.toString(StandardCharsets.ISO_8859_1);
    }

    String err() {
      return err.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void headerAndTrailersAreTakenOutAndTheEndIsKnown() {
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    seen.add(marks.accept(Channel.STDOUT, bytes(HEADER)));
    assertTrue(marks.marked());
    seen.add(marks.accept(Channel.STDERR, bytes("a log line\n")));
    seen.add(marks.accept(Channel.STDOUT, bytes("the answer\n" + trailer(TOKEN, 0))));
    assertFalse(marks.ended(), "stderr's trailer is still to come");
    seen.add(marks.accept(Channel.STDERR, bytes(trailer(TOKEN, 0))));
    assertTrue(marks.ended());
    assertEquals(0, marks.exitCode());
    assertEquals("the answer\n", seen.out());
    assertEquals("a log line\n", seen.err());
  }

  @Test
  void marksCutAnywhereByTheEngineAreStillFound() {
    String out = "x".repeat(70) + "\0 a NUL of the function's own\0";
    String err = "warning\0\0faas";
    String stdout = HEADER + out + trailer(TOKEN, 42);
    String stderr = err + trailer(TOKEN, 42);
    for (int cut = 1; cut < stdout.length(); cut++) {
      for (int errCut : new int[] {1, 5, stderr.length() - 3}) {
        ExitMarks marks = new ExitMarks();
        Seen seen = new Seen();
        // Stderr starts before the header is complete: held until the token is known.
        seen.add(marks.accept(Channel.STDERR, bytes(stderr.substring(0, errCut))));
        seen.add(marks.accept(Channel.STDOUT, bytes(stdout.substring(0, cut))));
        seen.add(marks.accept(Channel.STDOUT, bytes(stdout.substring(cut))));
        assertFalse(marks.ended());
        seen.add(marks.accept(Channel.STDERR, bytes(stderr.substring(errCut))));
        assertTrue(marks.ended(), "cut at " + cut + "/" + errCut);
        assertEquals(42, marks.exitCode());
        assertEquals(out, seen.out(), "cut at " + cut);
        assertEquals(err, seen.err(), "cut at " + cut);
      }
    }
  }

  @Test
  void ordinaryOutputIsNotHeldBack() {
    ExitMarks marks = new ExitMarks();
    marks.accept(Channel.STDOUT, bytes(HEADER));
    Seen seen = new Seen();
    seen.add(marks.accept(Channel.STDOUT, bytes("partial line without end")));
    seen.add(marks.accept(Channel.STDERR, bytes("log")));
    assertEquals("partial line without end", seen.out());
    assertEquals("log", seen.err());
    // Only a tail that may begin a trailer waits for the next read.
    seen.add(marks.accept(Channel.STDOUT, bytes("more\0faas-ex")));
    assertEquals("partial line without endmore", seen.out());
    seen.add(marks.accept(Channel.STDOUT, bytes("tra")));
    assertEquals("partial line without endmore\0faas-extra", seen.out());
  }

  @Test
  void aTrailerWithAnotherTokenIsOutput() {
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    marks.accept(Channel.STDOUT, bytes(HEADER));
    String forged = trailer("ffffffffffffffffffffffffffffffff", 0);
    seen.add(marks.accept(Channel.STDOUT, bytes(forged)));
    seen.add(marks.accept(Channel.STDERR, bytes(forged)));
    assertFalse(marks.ended());
    seen.add(marks.drain());
    assertEquals(forged, seen.out());
    assertEquals(forged, seen.err());
  }

  @Test
  void aMalformedTrailerWithTheRightTokenIsOutput() {
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    marks.accept(Channel.STDOUT, bytes(HEADER));
    String bad = "\0faas-exit:" + TOKEN + ":0x0\n";
    seen.add(marks.accept(Channel.STDOUT, bytes(bad + "after")));
    seen.add(marks.drain());
    assertFalse(marks.ended());
    assertEquals(bad + "after", seen.out());
  }

  @Test
  void withoutTheHeaderEveryBytePassesUntouched() {
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    seen.add(marks.accept(Channel.STDERR, bytes("early log")));
    seen.add(marks.accept(Channel.STDOUT, bytes("\0faas-in")));
    seen.add(marks.accept(Channel.STDOUT, bytes("valid? no\n" + trailer(TOKEN, 0))));
    assertFalse(marks.marked());
    assertFalse(marks.ended());
    assertEquals("\0faas-invalid? no\n" + trailer(TOKEN, 0), seen.out());
    assertEquals("early log", seen.err());
  }

  @Test
  void anAttachEndingWithoutTrailersGivesBackWhatWasHeld() {
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    seen.add(marks.accept(Channel.STDOUT, bytes(HEADER + "killed mid-write\0faas")));
    seen.add(marks.accept(Channel.STDERR, bytes("log\0")));
    seen.add(marks.drain());
    assertFalse(marks.ended());
    assertEquals("killed mid-write\0faas", seen.out());
    assertEquals("log\0", seen.err());
  }

  @Test
  void anIncompleteHeaderAtTheEndIsOutput() {
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    seen.add(marks.accept(Channel.STDOUT, bytes("\0faas-init:0123")));
    assertEquals("", seen.out());
    seen.add(marks.drain());
    assertEquals("\0faas-init:0123", seen.out());
  }

  @Test
  void bytesAfterTheTrailerAreNotOutput() {
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    seen.add(marks.accept(Channel.STDOUT, bytes(HEADER + "answer" + trailer(TOKEN, 3) + "late")));
    seen.add(marks.accept(Channel.STDOUT, bytes("later")));
    seen.add(marks.accept(Channel.STDERR, bytes(trailer(TOKEN, 3))));
    assertTrue(marks.ended());
    assertEquals(3, marks.exitCode());
    assertEquals("answer", seen.out());
  }

  @Test
  void theReadersBufferIsNotKept() {
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    // docker-java reuses its read buffer: stderr held before the header must be a copy.
    byte[] buffer = bytes("log line");
    seen.add(marks.accept(Channel.STDERR, buffer));
    Arrays.fill(buffer, (byte) '!');
    seen.add(marks.accept(Channel.STDOUT, bytes(HEADER)));
    seen.add(marks.accept(Channel.STDERR, bytes(trailer(TOKEN, 0))));
    assertEquals("log line", seen.err());
  }

  @Test
  void theCallMarkIsTakenOutAndSaysWhatTheContainerDidBeforeTheCall() {
    List<PreCall> told = new ArrayList<>();
    ExitMarks marks = new ExitMarks(told::add);
    Seen seen = new Seen();
    seen.add(marks.accept(Channel.STDOUT, bytes(HEADER)));
    assertNull(marks.preCall(), "no call yet");
    seen.add(marks.accept(Channel.STDERR, bytes("init log\n" + call(TOKEN, 1006, 'F'))));
    assertEquals(new PreCall(1006L, true), marks.preCall());
    assertEquals(List.of(new PreCall(1006L, true)), told);
    seen.add(marks.accept(Channel.STDOUT, bytes("answer" + trailer(TOKEN, 0))));
    seen.add(marks.accept(Channel.STDERR, bytes("call log\n" + trailer(TOKEN, 0))));
    assertTrue(marks.ended());
    assertEquals("answer", seen.out());
    assertEquals("init log\ncall log\n", seen.err());
  }

  @Test
  void aCallMarkCutAnywhereIsStillFound() {
    // Output that looks like the start of a mark, on both sides of the real one.
    String stderr = "before\0\0faas-ca" + call(TOKEN, 4, 'R') + "after\0faas-" + trailer(TOKEN, 0);
    String expectedErr = "before\0\0faas-caafter\0faas-";
    for (int cut = 0; cut <= stderr.length(); cut++) {
      for (int second = cut; second <= stderr.length(); second += 7) {
        ExitMarks marks = new ExitMarks();
        Seen seen = new Seen();
        seen.add(marks.accept(Channel.STDERR, bytes(stderr.substring(0, cut))));
        seen.add(marks.accept(Channel.STDOUT, bytes(HEADER + "out" + trailer(TOKEN, 0))));
        seen.add(marks.accept(Channel.STDERR, bytes(stderr.substring(cut, second))));
        seen.add(marks.accept(Channel.STDERR, bytes(stderr.substring(second))));
        String where = "cut at " + cut + "/" + second;
        assertTrue(marks.ended(), where);
        assertEquals(new PreCall(4L, false), marks.preCall(), where);
        assertEquals(expectedErr, seen.err(), where);
        assertEquals("out", seen.out(), where);
      }
    }
  }

  @Test
  void aCallMarkWithAnotherTokenIsOutput() {
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    marks.accept(Channel.STDOUT, bytes(HEADER));
    String forged = call("ffffffffffffffffffffffffffffffff", 0, 'R');
    seen.add(marks.accept(Channel.STDERR, bytes(forged)));
    seen.add(marks.drain());
    assertNull(marks.preCall());
    assertEquals(forged, seen.err());
  }

  @Test
  void aMalformedCallMarkWithTheRightTokenIsOutput() {
    for (String bad :
        List.of(
            "\0faas-call:" + TOKEN + ":00000000x1:F\n",
            "\0faas-call:" + TOKEN + ":0000000001:X\n",
            "\0faas-call:" + TOKEN + ":0000000001;F\n",
            "\0faas-call:" + TOKEN + ":0000000001:F!")) {
      ExitMarks marks = new ExitMarks();
      Seen seen = new Seen();
      marks.accept(Channel.STDOUT, bytes(HEADER));
      seen.add(marks.accept(Channel.STDERR, bytes(bad + "after")));
      seen.add(marks.accept(Channel.STDERR, bytes(trailer(TOKEN, 0))));
      assertNull(marks.preCall(), bad);
      assertEquals(bad + "after", seen.err(), bad);
    }
  }

  @Test
  void aCallMarkOnStdoutIsOutput() {
    // faas-init writes it on stderr only; on stdout it can only be the function's bytes.
    ExitMarks marks = new ExitMarks();
    Seen seen = new Seen();
    marks.accept(Channel.STDOUT, bytes(HEADER));
    seen.add(marks.accept(Channel.STDOUT, bytes(call(TOKEN, 5, 'R') + trailer(TOKEN, 0))));
    assertNull(marks.preCall());
    assertEquals(call(TOKEN, 5, 'R'), seen.out());
  }

  @Test
  void ordinaryStderrIsNotHeldBackForTheCallMark() {
    ExitMarks marks = new ExitMarks();
    marks.accept(Channel.STDOUT, bytes(HEADER));
    Seen seen = new Seen();
    seen.add(marks.accept(Channel.STDERR, bytes("log\0faas-c")));
    assertEquals("log", seen.err());
    seen.add(marks.accept(Channel.STDERR, bytes("at")));
    assertEquals("log\0faas-cat", seen.err());
  }
}
