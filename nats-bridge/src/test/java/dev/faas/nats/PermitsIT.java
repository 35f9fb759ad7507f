package dev.faas.nats;

import static dev.faas.nats.Activations.newId;
import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.WaitUntil.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.outcome.LimitReached;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-user and per-function permits against a real server (docs/decisions/0015). */
class PermitsIT {
  private static final int PER_USER = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private TransportFixture fixture;
  private final List<Connection> connections = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    fixture = TransportFixture.started();
  }

  @AfterEach
  void stop() throws Exception {
    for (Connection c : connections) {
      c.close();
    }
    fixture.close();
  }

  private NatsSettings settings(String name) {
    return fixture.settings(name).withMaxConcurrent(20).withMaxConcurrentPerUser(PER_USER);
  }

  private Connection connection() throws Exception {
    Connection c = Nats.connect(fixture.bridges.server.url());
    connections.add(c);
    return c;
  }

  private static FunctionSpec fn(String owner, String name, int maxConcurrency) {
    FunctionSpec f = Fixtures.function(owner, name, "echo:1");
    return new FunctionSpec(
        f.owner(), f.name(), f.image(), f.imageState(), f.timeoutMs(), f.memoryMb(),
        f.description(), f.env(), f.inputMode(), f.network(), maxConcurrency, f.createdAt(),
        f.updatedAt(), 0);
  }

  @Test
  void neverMoreThanTheUserLimitHeldUnderConcurrentTakersOnSeveralConnections() throws Exception {
    Connection setup = connection();
    PermitStreams.ensure(setup, settings("setup"));
    List<Connection> conns = List.of(connection(), connection(), connection(), connection());
    FunctionSpec f = fn(Fixtures.uid("ann"), "echo", 0);
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(12);
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < 12; t++) {
      Connection c = conns.get(t % conns.size());
      runs.add(
          threads.submit(
              () -> {
                for (int i = 0; i < 25; i++) {
                  Permits.Held held;
                  try {
                    held = Permits.acquire(c, TIMEOUT, f);
                  } catch (AdmissionRefused.Full e) {
                    assertEquals(LimitReached.USER, e.limit());
                    refused.incrementAndGet();
                    continue;
                  }
                  int now = holding.incrementAndGet();
                  most.accumulateAndGet(now, Math::max);
                  assertTrue(Permits.held(c, TIMEOUT, Fixtures.uid("ann")) <= PER_USER);
                  holding.decrementAndGet();
                  Permits.release(c, TIMEOUT, held);
                  Permits.release(c, TIMEOUT, held); // idempotent
                }
                return null;
              }));
    }
    for (Future<?> run : runs) {
      run.get(60, TimeUnit.SECONDS);
    }
    threads.shutdownNow();
    assertTrue(most.get() <= PER_USER, "at most " + PER_USER + " held, saw " + most.get());
    assertTrue(refused.get() > 0, "the burst reached the limit");
    assertEquals(0, Permits.held(setup, TIMEOUT, Fixtures.uid("ann")));
  }

  @Test
  void theLimitRefusesTheNextReleaseFreesItAndOtherUsersAreApart() throws Exception {
    Connection c = connection();
    PermitStreams.ensure(c, settings("setup"));
    FunctionSpec ann = fn(Fixtures.uid("ann"), "echo", 0);
    List<Permits.Held> held = new ArrayList<>();
    for (int i = 0; i < PER_USER; i++) {
      held.add(Permits.acquire(c, TIMEOUT, ann));
    }
    AdmissionRefused.Full full =
        assertThrows(AdmissionRefused.Full.class, () -> Permits.acquire(c, TIMEOUT, ann));
    assertEquals(LimitReached.USER, full.limit());
    // Another user, and a user whose name starts like ann's, are not counted with ann.
    Permits.acquire(c, TIMEOUT, fn(Fixtures.uid("bob"), "echo", 0));
    Permits.acquire(c, TIMEOUT, fn(Fixtures.uid("anna"), "echo", 0));

    Permits.release(c, TIMEOUT, held.get(0));
    assertEquals(PER_USER - 1, Permits.held(c, TIMEOUT, Fixtures.uid("ann")));
    Permits.acquire(c, TIMEOUT, ann);
    assertEquals(PER_USER, Permits.held(c, TIMEOUT, Fixtures.uid("ann")));
  }

  @Test
  void aFunctionLimitRefusesAndTheRefusedAttemptLeavesNothingHeld() throws Exception {
    Connection c = connection();
    PermitStreams.ensure(c, settings("setup"));
    FunctionSpec limited = fn(Fixtures.uid("ann"), "slow", 2);
    Permits.Held first = Permits.acquire(c, TIMEOUT, limited);
    Permits.acquire(c, TIMEOUT, limited);

    AdmissionRefused.Full full =
        assertThrows(AdmissionRefused.Full.class, () -> Permits.acquire(c, TIMEOUT, limited));
    assertEquals(LimitReached.FUNCTION, full.limit());
    assertEquals(2, Permits.held(c, TIMEOUT, Fixtures.uid("ann")), "the refused attempt gave its user permit back");
    // The user still has a place for another function.
    Permits.acquire(c, TIMEOUT, fn(Fixtures.uid("ann"), "other", 0));

    Permits.release(c, TIMEOUT, first);
    Permits.acquire(c, TIMEOUT, limited);
  }

  @Test
  void throughTheQueueTheWorkerGivesBackOnAckAndARefusedSubmitHoldsNothing() throws Exception {
    NatsActivationQueue queue =
        TransportFixture.queue(fixture.bridges.ready(settings("api-a")), "api-a");
    var worker = fixture.bridges.ready(settings("worker")).workSource();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < PER_USER; i++) {
      String id = newId();
      ids.add(id);
      queue.listen(id, e -> {});
      await(queue.submit(request(id)));
    }
    assertEquals(PER_USER, await(queue.held(Fixtures.uid("ann"))));

    String refusedId = newId();
    AutoCloseable listener = queue.listen(refusedId, e -> {});
    AdmissionRefused.Full full = failure(queue.submit(request(refusedId)), AdmissionRefused.Full.class);
    assertEquals(LimitReached.USER, full.limit());
    listener.close();
    assertEquals(PER_USER, await(queue.held(Fixtures.uid("ann"))));

    List<WorkItem> items = new ArrayList<>();
    while (items.size() < PER_USER) {
      items.addAll(await(worker.pull(PER_USER, Duration.ofSeconds(1))));
    }
    for (WorkItem item : items) {
      await(item.ack());
    }
    assertEquals(0, await(queue.held(Fixtures.uid("ann"))));
  }

  @Test
  void aWithdrawnActivationGivesItsPermitsBackAndASecondSubmitTakesThemAfresh() throws Exception {
    NatsActivationQueue queue =
        TransportFixture.queue(fixture.bridges.ready(settings("api-a")), "api-a");
    String id = newId();
    AutoCloseable listener = queue.listen(id, e -> {});
    long ticket = await(queue.submit(request(id)));
    await(queue.withdraw(ticket));
    // Withdrawn (for a fallback, say): nothing left for a worker, the permit is given back.
    waitUntil(Duration.ofSeconds(5), "the permit given back", () -> held(queue) == 0);
    // The second submit takes one afresh.
    long again = await(queue.submit(request(id)));
    assertEquals(1, await(queue.held(Fixtures.uid("ann"))));
    await(queue.withdraw(again));
    listener.close();
    waitUntil(Duration.ofSeconds(5), "the permit given back", () -> held(queue) == 0);
  }

  @Test
  void aLostWorkersPermitComesBackWhenAnotherWorkerDropsTheRedelivery() throws Exception {
    NatsActivationQueue queue =
        TransportFixture.queue(fixture.bridges.ready(settings("api-a")), "api-a");
    String id = newId();
    AutoCloseable listener = queue.listen(id, e -> {});
    await(queue.submit(request(id)));
    NatsBridge doomed = fixture.bridges.ready(settings("doomed"));
    List<WorkItem> taken = new ArrayList<>();
    while (taken.isEmpty()) {
      taken.addAll(await(doomed.workSource().pull(1, Duration.ofSeconds(1))));
    }
    // The caller gives up on it; its message is the lost worker's, so the permit stays held.
    listener.close();
    doomed.close();
    assertEquals(1, await(queue.held(Fixtures.uid("ann"))));

    var survivor = fixture.bridges.ready(settings("survivor")).workSource();
    List<WorkItem> redelivered = new ArrayList<>();
    while (redelivered.isEmpty()) {
      redelivered.addAll(await(survivor.pull(1, Duration.ofSeconds(2))));
    }
    assertEquals(id, redelivered.get(0).request().activationId());
    await(redelivered.get(0).drop());
    assertEquals(0, await(queue.held(Fixtures.uid("ann"))));
  }

  private static int held(NatsActivationQueue queue) {
    try {
      return await(queue.held(Fixtures.uid("ann")));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ActivationRequest request(String id) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new ActivationRequest(
        id, Fixtures.function(Fixtures.uid("ann"), "echo", "echo:1"), 7, new byte[] {1}, now,
        now.plusSeconds(30), "faas.reply.api-a." + id, null, null, null);
  }
}
