package dev.faas.actors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class NodeLimiterTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void grantsExactlyTheBoundAndRefusesAtOnce() {
    AtomicInteger inUse = new AtomicInteger();
    ActorRef<NodeLimiter.Command> limiter = testKit.spawn(NodeLimiter.create(2, inUse::set));
    TestProbe<NodeLimiter.Reply> a = testKit.createTestProbe();
    TestProbe<NodeLimiter.Reply> b = testKit.createTestProbe();
    TestProbe<NodeLimiter.Reply> c = testKit.createTestProbe();
    limiter.tell(new NodeLimiter.Acquire(a.ref(), a.ref()));
    a.expectMessage(NodeLimiter.Granted.INSTANCE);
    limiter.tell(new NodeLimiter.Acquire(b.ref(), b.ref()));
    b.expectMessage(NodeLimiter.Granted.INSTANCE);
    limiter.tell(new NodeLimiter.Acquire(c.ref(), c.ref()));
    c.expectMessage(NodeLimiter.Refused.INSTANCE);
    assertEquals(2, inUse.get());

    limiter.tell(new NodeLimiter.Release(a.ref()));
    limiter.tell(new NodeLimiter.Release(a.ref()));
    limiter.tell(new NodeLimiter.Acquire(c.ref(), c.ref()));
    c.expectMessage(NodeLimiter.Granted.INSTANCE);
    limiter.tell(new NodeLimiter.Acquire(a.ref(), a.ref()));
    a.expectMessage(NodeLimiter.Refused.INSTANCE);
    assertEquals(2, inUse.get());
  }

  @Test
  void aHolderThatCrashesLosesItsPermit() {
    AtomicInteger inUse = new AtomicInteger();
    ActorRef<NodeLimiter.Command> limiter = testKit.spawn(NodeLimiter.create(1, inUse::set));
    TestProbe<String> events = testKit.createTestProbe();
    Behavior<String> holder =
        Behaviors.setup(
            ctx -> {
              ActorRef<NodeLimiter.Reply> granted =
                  ctx.messageAdapter(NodeLimiter.Reply.class, r -> r.getClass().getSimpleName());
              limiter.tell(new NodeLimiter.Acquire(ctx.getSelf(), granted));
              return Behaviors.receiveMessage(
                  msg -> {
                    events.ref().tell(msg);
                    if (msg.equals("crash")) {
                      throw new IllegalStateException("holder crashed on purpose");
                    }
                    return Behaviors.same();
                  });
            });
    ActorRef<String> h = testKit.spawn(holder);
    events.expectMessage("Granted");
    TestProbe<NodeLimiter.Reply> other = testKit.createTestProbe();
    limiter.tell(new NodeLimiter.Acquire(other.ref(), other.ref()));
    other.expectMessage(NodeLimiter.Refused.INSTANCE);

    h.tell("crash");
    events.expectMessage("crash");
    events.expectTerminated(h, Duration.ofSeconds(3));
    events.awaitAssert(() -> {
      assertEquals(0, inUse.get());
      return null;
    });
    limiter.tell(new NodeLimiter.Acquire(other.ref(), other.ref()));
    other.expectMessage(NodeLimiter.Granted.INSTANCE);
  }
}
