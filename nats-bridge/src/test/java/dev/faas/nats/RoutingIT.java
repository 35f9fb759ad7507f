package dev.faas.nats;

import static dev.faas.nats.Activations.newId;
import static dev.faas.nats.Activations.request;
import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.WaitUntil.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.model.FunctionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing to a worker holding warm containers (docs/decisions/0005) on a real nats-server. */
class RoutingIT {
  private static final Duration SEEN_WITHIN = Duration.ofSeconds(5);
  private static final Duration SHORT_PULL = Duration.ofSeconds(1);

  private TransportFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = TransportFixture.started();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static FunctionSpec echo() {
    return request(newId(), new byte[0], "x").function();
  }

  @Test
  void aRoutedRequestReachesItsWorkerAloneAndAnyWorkerGetsTheRest() throws Exception {
    NatsActivationQueue api = fixture.queue("api-a");
    WorkSource a = fixture.bridge("worker-a").workSource("worker-a");
    WorkSource b = fixture.bridge("worker-b").workSource("worker-b");
    await(a.pullRouted(1, SHORT_PULL)); // makes worker-a's own consumer
    await(b.pullRouted(1, SHORT_PULL));

    String routed = newId();
    String shared = newId();
    await(api.submit(request(routed, new byte[] {1}, api.replyToFor(routed)), "worker-a"));
    await(api.submit(request(shared, new byte[] {2}, api.replyToFor(shared))));

    List<WorkItem> toB = await(b.pullRouted(5, SHORT_PULL));
    assertEquals(List.of(), toB, "nothing routed to worker-b");
    List<WorkItem> sharedItems = await(b.pull(5, SHORT_PULL));
    assertEquals(List.of(shared), ids(sharedItems), "the shared queue holds only the other one");
    List<WorkItem> toA = await(a.pullRouted(5, SHORT_PULL));
    assertEquals(List.of(routed), ids(toA));
    assertEquals(1, toA.get(0).deliveryCount());
    for (WorkItem item : concat(toA, sharedItems)) {
      await(item.ack());
    }
  }

  @Test
  void routedAndSharedRequestsShareOneBound() throws Exception {
    NatsActivationQueue api = fixture.queue("api-a");
    WorkSource a = fixture.bridge("worker-a").workSource("worker-a");
    await(a.pullRouted(1, SHORT_PULL));
    List<Long> tickets = new ArrayList<>();
    for (int i = 0; i < TransportFixture.MAX_CONCURRENT; i++) {
      String id = newId();
      ActivationRequest r = request(id, new byte[0], api.replyToFor(id));
      tickets.add(await(i % 2 == 0 ? api.submit(r, "worker-a") : api.submit(r)));
    }
    String extra = newId();
    failure(api.submit(request(extra, new byte[0], api.replyToFor(extra)), "worker-a"),
        AdmissionRefused.Full.class);
    failure(api.submit(request(extra, new byte[0], api.replyToFor(extra))),
        AdmissionRefused.Full.class);

    // Withdrawing a routed request nobody took frees its place at once.
    await(api.withdraw(tickets.get(0)));
    await(api.submit(request(extra, new byte[0], api.replyToFor(extra))));
  }

  @Test
  void warmWorkerIsOneThatAnnouncedTheFunctionAFreeSlotAndCanPullRoutedWork() throws Exception {
    NatsActivationQueue api = fixture.queue("api-a");
    WorkSource a = fixture.bridge("worker-a").workSource("worker-a");
    WorkSource b = fixture.bridge("worker-b").workSource("worker-b");
    FunctionSpec fn = echo();

    // Before its own consumer exists a worker announces no warm function.
    a.announce("worker-a", 2, Set.of(fn.key()));
    waitUntil(SEEN_WITHIN, "worker-a live", () -> api.liveWorkers() == 1);
    assertEquals(Optional.empty(), api.warmWorker(fn));

    await(a.pullRouted(1, SHORT_PULL));
    await(b.pullRouted(1, SHORT_PULL));
    a.announce("worker-a", 2, Set.of(fn.key()));
    b.announce("worker-b", 3, Set.of("someone.else"));
    waitUntil(SEEN_WITHIN, "worker-a is warm for the function",
        () -> api.warmWorker(fn).equals(Optional.of("worker-a")));

    // No free slot: not routed to, whatever it holds.
    a.announce("worker-a", 0, Set.of(fn.key()));
    waitUntil(SEEN_WITHIN, "a full worker is not chosen", () -> api.warmWorker(fn).isEmpty());
    b.announce("worker-b", 1, Set.of(fn.key(), "someone.else"));
    waitUntil(SEEN_WITHIN, "worker-b now",
        () -> api.warmWorker(fn).equals(Optional.of("worker-b")));
    // Silence: out of the route window.
    waitUntil(SEEN_WITHIN, "nobody after silence", () -> api.warmWorker(fn).isEmpty());
    assertTrue(api.liveWorkers() <= 2);
  }

  private static List<String> ids(List<WorkItem> items) {
    return items.stream().map(i -> i.request().activationId()).toList();
  }

  private static List<WorkItem> concat(List<WorkItem> x, List<WorkItem> y) {
    List<WorkItem> all = new ArrayList<>(x);
    all.addAll(y);
    return all;
  }
}
