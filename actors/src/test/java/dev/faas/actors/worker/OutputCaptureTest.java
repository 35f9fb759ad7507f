package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.FakeRuntime;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

  @Test
  void keepsStdoutUpToItsCapExactly() {
    OutputCapture c = OutputCapture.empty(6, 10).add(FakeRuntime.out("abc")).add(FakeRuntime.out("def"));
    assertFalse(c.overflow());
    assertEquals("abcdef", c.stdout().utf8String());
  }

  @Test
  void oneByteOverTheCapOverflowsAndTakesNothingMore() {
    OutputCapture c = OutputCapture.empty(6, 10).add(FakeRuntime.out("abcdef"));
    OutputCapture over = c.add(FakeRuntime.out("g"));
    assertTrue(over.overflow());
    assertSame(over, over.add(FakeRuntime.err("late")));
    assertEquals("", over.stderr().utf8String());
  }

  @Test
  void stderrIsCutAtItsCapAndFlagged() {
    OutputCapture c = OutputCapture.empty(100, 5).add(FakeRuntime.err("abc"));
    assertFalse(c.logsTruncated());
    c = c.add(FakeRuntime.err("defg"));
    assertEquals("abcde", c.stderr().utf8String());
    assertTrue(c.logsTruncated());
    c = c.add(FakeRuntime.err("h")).add(FakeRuntime.out("still counted"));
    assertEquals("abcde", c.stderr().utf8String());
    assertEquals("still counted", c.stdout().utf8String());
    assertFalse(c.overflow());
  }

  @Test
  void aStderrFloodPastTheDiscardBoundOverflows() {
    String mib = "x".repeat(1024 * 1024);
    OutputCapture c = OutputCapture.empty(100, 5);
    for (int i = 0; i < 16; i++) {
      c = c.add(FakeRuntime.err(mib));
    }
    assertTrue(c.logsTruncated());
    assertFalse(c.overflow(), "16 MiB less the cap dropped: still a chatty function");
    c = c.add(FakeRuntime.err("x".repeat(6)));
    assertTrue(c.overflow(), "past the discard bound: a flood, killed");
    assertEquals("xxxxx", c.stderr().utf8String());
  }

  @Test
  void stderrExactlyAtItsCapIsNotTruncated() {
    OutputCapture c = OutputCapture.empty(100, 3).add(FakeRuntime.err("abc"));
    assertFalse(c.logsTruncated());
    assertTrue(c.add(FakeRuntime.err("d")).logsTruncated());
  }
}
