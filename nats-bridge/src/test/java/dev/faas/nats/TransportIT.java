package dev.faas.nats;

import static dev.faas.nats.Activations.allByteValues;
import static dev.faas.nats.Activations.assertSameRecord;
import static dev.faas.nats.Activations.assertSameRequest;
import static dev.faas.nats.Activations.newId;
import static dev.faas.nats.Activations.request;
import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.WaitUntil.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.activation.WorkerEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransportIT {
  private static final Duration SEEN_WITHIN = Duration.ofSeconds(5);

  private TransportFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = TransportFixture.started();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void repliesReachTheirOwnListenerOnTheirOwnNodeOnly() throws Exception {
    NatsActivationQueue nodeA = fixture.queue("api-a");
    NatsActivationQueue nodeB = fixture.queue("api-b");
    WorkSource worker = fixture.bridge("worker").workSource();
    String idA = newId();
    String idB = newId();
    List<WorkerEvent> heardA = new CopyOnWriteArrayList<>();
    List<WorkerEvent> heardB = new CopyOnWriteArrayList<>();
    List<WorkerEvent> strayOnA = new CopyOnWriteArrayList<>();
    nodeA.listen(idA, heardA::add);
    nodeB.listen(idB, heardB::add);
    // Node A waits for B's activation too: B's replies must still go to B only.
    nodeA.listen(idB, strayOnA::add);
    await(nodeA.submit(request(idA, new byte[] {1}, nodeA.replyToFor(idA))));
    await(nodeB.submit(request(idB, new byte[] {2}, nodeB.replyToFor(idB))));

    byte[] result = allByteValues();
    for (WorkItem item : AdmissionIT.pullAll(worker, 2)) {
      String id = item.request().activationId();
      item.reply(new WorkerEvent.Accepted(id, "worker"));
      item.reply(new WorkerEvent.Heartbeat(id));
      item.reply(new WorkerEvent.Completed(id, record(id, result)));
      await(item.ack());
    }

    waitUntil(SEEN_WITHIN, "three events on A", () -> heardA.size() == 3);
    waitUntil(SEEN_WITHIN, "three events on B", () -> heardB.size() == 3);
    assertEquals(new WorkerEvent.Accepted(idA, "worker"), heardA.get(0));
    assertEquals(new WorkerEvent.Heartbeat(idA), heardA.get(1));
    WorkerEvent.Completed completed = assertInstanceOf(WorkerEvent.Completed.class, heardA.get(2));
    assertSameRecord(record(idA, result), completed.record());
    assertTrue(heardB.stream().allMatch(e -> e.activationId().equals(idB)));
    assertEquals(List.of(), strayOnA);
  }

  @Test
  void aListenerClosedHearsNothingMore() throws Exception {
    NatsActivationQueue node = fixture.queue("api-a");
    WorkSource worker = fixture.bridge("worker").workSource();
    String id = newId();
    List<WorkerEvent> heard = new CopyOnWriteArrayList<>();
    AutoCloseable listening = node.listen(id, heard::add);
    await(node.submit(request(id, new byte[0], node.replyToFor(id))));
    WorkItem item = AdmissionIT.pullAll(worker, 1).get(0);

    item.reply(new WorkerEvent.Heartbeat(id));
    waitUntil(SEEN_WITHIN, "first heartbeat", () -> heard.size() == 1);
    listening.close();
    item.reply(new WorkerEvent.Heartbeat(id));
    // A second listener, added after the first closed, proves the reply went out and arrived.
    List<WorkerEvent> later = new CopyOnWriteArrayList<>();
    node.listen(id, later::add);
    item.reply(new WorkerEvent.Dropped(id, "test"));
    waitUntil(SEEN_WITHIN, "the later listener's event", () -> !later.isEmpty());

    assertEquals(List.of(new WorkerEvent.Heartbeat(id)), heard);
    await(item.ack());
  }

  @Test
  void liveWorkersCountsOnlyWorkersHeardWithinTheWindow() throws Exception {
    NatsActivationQueue queue = fixture.queue("api-a");
    WorkSource worker = fixture.bridge("worker").workSource();
    assertEquals(0, queue.liveWorkers());

    worker.announce("worker-1", 4, Set.of());
    worker.announce("worker-1", 3, Set.of());
    waitUntil(SEEN_WITHIN, "one live worker", () -> queue.liveWorkers() == 1);
    worker.announce("worker-2", 4, Set.of());
    waitUntil(SEEN_WITHIN, "two live workers", () -> queue.liveWorkers() == 2);

    // Silence: both fall out of the 1 s window.
    waitUntil(SEEN_WITHIN, "no live worker", () -> queue.liveWorkers() == 0);
  }

  @Test
  void parametersCrossTheQueueByteForByte() throws Exception {
    NatsActivationQueue queue = fixture.queue("api-a");
    WorkSource worker = fixture.bridge("worker").workSource();
    byte[] large = new byte[700 * 1024];
    new Random(11).nextBytes(large);
    List<byte[]> inputs =
        List.of(
            "héllo wörld ✓ 𝄞\n\r\t\"{}\"".getBytes(StandardCharsets.UTF_8),
            new byte[0],
            large,
            allByteValues(),
            new byte[1024 * 1024]);
    Map<String, ActivationRequest> sent = new HashMap<>();
    for (byte[] input : inputs) {
      ActivationRequest r = request(newId(), input, "faas.reply.api-a.x");
      sent.put(r.activationId(), r);
      await(queue.submit(r));
    }

    for (WorkItem item : AdmissionIT.pullAll(worker, inputs.size())) {
      assertSameRequest(sent.get(item.request().activationId()), item.request());
      await(item.ack());
    }
  }

  @Test
  void anUndecodableRequestIsTerminatedNotHandedOut() throws Exception {
    fixture.queue("api-a");
    WorkSource worker = fixture.bridge("worker").workSource();
    fixture.publishRaw("not a request".getBytes(StandardCharsets.UTF_8));
    assertEquals(1, fixture.queued());

    assertEquals(List.of(), await(worker.pull(1, Duration.ofSeconds(1))));
    waitUntil(SEEN_WITHIN, "terminated", () -> queuedQuietly() == 0);
  }

  @Test
  void withNatsDownASubmitFailsAtOnceAsUnavailable() throws Exception {
    NatsBridge bridge = fixture.bridge("api-a");
    NatsActivationQueue queue = TransportFixture.queue(bridge, "api-a");

    fixture.bridges.server.stop();
    waitUntil(SEEN_WITHIN, "connection lost", () -> !bridge.isReady());

    long before = System.nanoTime();
    failure(queue.submit(request(newId(), new byte[] {1}, "r")), AdmissionRefused.Unavailable.class);
    failure(queue.withdraw(1), AdmissionRefused.Unavailable.class);
    failure(bridge.workSource().pull(1, Duration.ofSeconds(1)), IllegalStateException.class);
    assertTrue(System.nanoTime() - before < Duration.ofSeconds(1).toNanos(), "answered at once");
    bridge.workSource().announce("worker-1", 1, Set.of());
  }

  @Test
  void aQueueMadeBeforeNatsIsUpStartsWorkingOnceItIs() throws Exception {
    try (TransportFixture late =
        new TransportFixture(new BridgeFixture(NatsTestServer.notStarted()))) {
      NatsBridge bridge = late.bridges.connect(late.settings("api-a"));
      NatsActivationQueue queue = bridge.activationQueue("api-a");
      failure(queue.submit(request(newId(), new byte[0], "r")), AdmissionRefused.Unavailable.class);

      late.bridges.server.startAgain();
      waitUntil(Duration.ofSeconds(10), "listening once NATS is up", queue::isListening);
      await(queue.submit(request(newId(), new byte[0], "r")));
    }
  }

  @Test
  void withoutTheStreamASubmitFailsAtOnceAsUnavailable() throws Exception {
    NatsActivationQueue queue = fixture.queue("api-a");
    fixture.deleteStream();

    long before = System.nanoTime();
    failure(queue.submit(request(newId(), new byte[] {1}, "r")), AdmissionRefused.Unavailable.class);
    assertTrue(System.nanoTime() - before < Duration.ofSeconds(1).toNanos(), "no responders, no wait");
  }

  @Test
  void afterAServerRestartSubmitsAndRepliesWorkAgain() throws Exception {
    NatsBridge api = fixture.bridge("api-a");
    NatsActivationQueue queue = TransportFixture.queue(api, "api-a");
    NatsBridge workerBridge = fixture.bridge("worker");

    fixture.bridges.server.stop();
    waitUntil(SEEN_WITHIN, "connection lost", () -> !api.isReady());
    fixture.bridges.server.startAgain();
    waitUntil(Duration.ofSeconds(15), "api ready again", api::isReady);
    waitUntil(Duration.ofSeconds(15), "worker ready again", workerBridge::isReady);

    String id = newId();
    List<WorkerEvent> heard = new CopyOnWriteArrayList<>();
    queue.listen(id, heard::add);
    await(queue.submit(request(id, new byte[] {1}, queue.replyToFor(id))));
    WorkItem item = AdmissionIT.pullAll(workerBridge.workSource(), 1).get(0);
    item.reply(new WorkerEvent.Accepted(id, "worker"));
    await(item.ack());
    waitUntil(SEEN_WITHIN, "reply after the restart", () -> heard.size() == 1);
  }

  private long queuedQuietly() {
    try {
      return fixture.queued();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ActivationRecord record(String id, byte[] result) {
    return Activations.record(Fixtures.ANN, id, "echo", Activations.at(0), result);
  }

  @Test
  void namesThatCannotBeSubjectTokensAreRefused() {
    NatsBridge bridge = fixture.bridge("api-a");

    assertThrows(IllegalArgumentException.class, () -> bridge.activationQueue("api.a"));
    assertThrows(IllegalArgumentException.class, () -> bridge.activationQueue("*"));
    NatsActivationQueue queue = bridge.activationQueue("api-a");
    assertThrows(IllegalArgumentException.class, () -> queue.replyToFor("ABC.>"));
    assertEquals("faas.reply.api-a.abcdef12", queue.replyToFor("abcdef12"));
  }
}
