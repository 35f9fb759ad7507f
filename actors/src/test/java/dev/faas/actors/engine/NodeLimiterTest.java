package dev.faas.actors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
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

  private static int inUse(ActorRef<NodeLimiter.Command> limiter) {
    TestProbe<NodeLimiter.InUse> probe = testKit.createTestProbe();
    limiter.tell(new NodeLimiter.GetInUse(probe.ref()));
    return probe.receiveMessage().inUse();
  }

  @Test
  void grantsExactlyTheBoundAndRefusesAtOnce() {
    ActorRef<NodeLimiter.Command> limiter = testKit.spawn(NodeLimiter.create(2));
    TestProbe<NodeLimiter.Reply> a = testKit.createTestProbe();
    TestProbe<NodeLimiter.Reply> b = testKit.createTestProbe();
    TestProbe<NodeLimiter.Reply> c = testKit.createTestProbe();
    limiter.tell(new NodeLimiter.Acquire(a.ref(), a.ref()));
    a.expectMessage(NodeLimiter.Granted.INSTANCE);
    limiter.tell(new NodeLimiter.Acquire(b.ref(), b.ref()));
    b.expectMessage(NodeLimiter.Granted.INSTANCE);
    limiter.tell(new NodeLimiter.Acquire(c.ref(), c.ref()));
    c.expectMessage(NodeLimiter.Refused.INSTANCE);
    assertEquals(2, inUse(limiter));

    limiter.tell(new NodeLimiter.Release(a.ref()));
    limiter.tell(new NodeLimiter.Release(a.ref()));
    limiter.tell(new NodeLimiter.Acquire(c.ref(), c.ref()));
    c.expectMessage(NodeLimiter.Granted.INSTANCE);
    limiter.tell(new NodeLimiter.Acquire(a.ref(), a.ref()));
    a.expectMessage(NodeLimiter.Refused.INSTANCE);
    assertEquals(2, inUse(limiter));
  }

  @Test
  void aHolderThatCrashesLosesItsPermit() {
    ActorRef<NodeLimiter.Command> limiter = testKit.spawn(NodeLimiter.create(1));
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
      assertEquals(0, inUse(limiter));
      return null;
    });
    limiter.tell(new NodeLimiter.Acquire(other.ref(), other.ref()));
    other.expectMessage(NodeLimiter.Granted.INSTANCE);
  }
}
