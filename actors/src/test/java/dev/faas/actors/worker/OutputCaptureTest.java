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
  void stderrExactlyAtItsCapIsNotTruncated() {
    OutputCapture c = OutputCapture.empty(100, 3).add(FakeRuntime.err("abc"));
    assertFalse(c.logsTruncated());
    assertTrue(c.add(FakeRuntime.err("d")).logsTruncated());
  }
}
