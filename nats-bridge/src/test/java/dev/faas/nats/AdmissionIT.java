package dev.faas.nats;

import static dev.faas.nats.Activations.newId;
import static dev.faas.nats.Activations.request;
import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.TransportFixture.MAX_CONCURRENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationQueue;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdmissionIT {
  private static final Duration PULL_WAIT = Duration.ofSeconds(1);

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
  void twoNodesTogetherAdmitExactlyTheBoundAndAcksMakeItWholeAgain() throws Exception {
    List<ActivationQueue> nodes = List.of(fixture.queue("api-a"), fixture.queue("api-b"));
    WorkSource worker = fixture.bridge("worker").workSource();

    List<CompletableFuture<Long>> submits = submitConcurrently(nodes, 20);

    assertEquals(MAX_CONCURRENT, count(submits, null));
    assertEquals(20 - MAX_CONCURRENT, count(submits, AdmissionRefused.Full.class));
    assertEquals(MAX_CONCURRENT, fixture.queued());

    List<WorkItem> items = pullAll(worker, MAX_CONCURRENT);
    for (WorkItem item : items) {
      await(item.ack());
    }
    assertEquals(0, fixture.queued());

    List<CompletableFuture<Long>> again = submitConcurrently(nodes, MAX_CONCURRENT + 1);
    assertEquals(MAX_CONCURRENT, count(again, null));
    assertEquals(1, count(again, AdmissionRefused.Full.class));
  }

  @Test
  void withdrawingFreesThePlaceAndIsHarmlessTwice() throws Exception {
    NatsActivationQueue queue = fixture.queue("api-a");
    List<Long> tickets = new ArrayList<>();
    List<AutoCloseable> listeners = new ArrayList<>();
    for (int i = 0; i < MAX_CONCURRENT; i++) {
      String id = newId();
      listeners.add(queue.listen(id, e -> {}));
      tickets.add(await(queue.submit(request(id, new byte[] {1}, "faas.reply.x.y"))));
    }
    String refused = newId();
    AutoCloseable refusedListener = queue.listen(refused, e -> {});
    failure(queue.submit(request(refused, new byte[0], "r")), AdmissionRefused.Full.class);
    refusedListener.close();

    await(queue.withdraw(tickets.get(0)));
    await(queue.withdraw(tickets.get(0)));
    // Done with it: its per-user permit is given back too (docs/decisions/0015).
    listeners.get(0).close();
    dev.faas.nats.WaitUntil.waitUntil(
        Duration.ofSeconds(5), "the permit given back", () -> heldByAnn(queue) < MAX_CONCURRENT);

    assertEquals(MAX_CONCURRENT - 1, fixture.queued());
    await(queue.submit(request(newId(), new byte[0], "r")));
    failure(queue.submit(request(newId(), new byte[0], "r")), AdmissionRefused.Full.class);
  }

  @Test
  void aPullTakesAtMostMaxAndAnswersAsSoonAsWorkIsThere() throws Exception {
    ActivationQueue queue = fixture.queue("api-a");
    WorkSource worker = fixture.bridge("worker").workSource();
    for (int i = 0; i < 3; i++) {
      await(queue.submit(request(newId(), new byte[] {(byte) i}, "r")));
    }

    List<WorkItem> first = await(worker.pull(2, PULL_WAIT));
    assertEquals(2, first.size());
    long before = System.nanoTime();
    List<WorkItem> second = await(worker.pull(5, Duration.ofSeconds(5)));
    assertEquals(1, second.size());
    // Far below the ~1 s a single batch fetch holds its first message on nats-server 2.9.
    assertTrue(
        System.nanoTime() - before < TimeUnit.MILLISECONDS.toNanos(500), "no wait for a full batch");
    // Acked before the 1 s ack wait would hand them out again.
    for (WorkItem item : concat(first, second)) {
      await(item.ack());
    }
    assertEquals(0, await(worker.pull(1, PULL_WAIT)).size());
    assertEquals(List.of(), await(worker.pull(0, PULL_WAIT)));
  }

  @Test
  void aWaitingPullHandsOverTheFirstRequestAtOnce() throws Exception {
    ActivationQueue queue = fixture.queue("api-a");
    WorkSource worker = fixture.bridge("worker").workSource();
    var pulled = worker.pull(4, Duration.ofSeconds(5)).toCompletableFuture();
    long submitted = System.nanoTime();
    await(queue.submit(request(newId(), new byte[] {1}, "r")));
    List<WorkItem> items = await(pulled);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitted);
    assertEquals(1, items.size());
    assertTrue(tookMillis < 500, "the request reached the worker after " + tookMillis + " ms");
    await(items.get(0).ack());
  }

  @Test
  void aWaitingPullHandsOverRequestsArrivingOneAfterTheOther() throws Exception {
    ActivationQueue queue = fixture.queue("api-a");
    WorkSource worker = fixture.bridge("worker").workSource();
    var pulled = worker.pull(4, Duration.ofSeconds(5)).toCompletableFuture();
    long submitted = System.nanoTime();
    await(queue.submit(request(newId(), new byte[] {1}, "r")));
    await(queue.submit(request(newId(), new byte[] {2}, "r")));
    List<WorkItem> items = new java.util.ArrayList<>(await(pulled));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitted);
    assertTrue(tookMillis < 500, "the first request reached the worker after " + tookMillis + " ms");
    if (items.size() < 2) {
      items.addAll(await(worker.pull(4, Duration.ofSeconds(5))));
    }
    assertEquals(2, items.size());
    for (WorkItem item : items) {
      await(item.ack());
    }
  }

  @Test
  void theLastNodeToConnectSetsTheBound() throws Exception {
    fixture.queue("api-a");
    NatsBridge wider =
        fixture.bridges.ready(fixture.settings("api-b").withMaxConcurrent(MAX_CONCURRENT + 2));
    ActivationQueue queue = TransportFixture.queue(wider, "api-b");

    for (int i = 0; i < MAX_CONCURRENT + 2; i++) {
      await(queue.submit(request(newId(), new byte[0], "r")));
    }
    failure(queue.submit(request(newId(), new byte[0], "r")), AdmissionRefused.Full.class);
  }

  private static int heldByAnn(NatsActivationQueue queue) {
    try {
      return await(queue.held(Fixtures.ANN));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<CompletableFuture<Long>> submitConcurrently(
      List<ActivationQueue> nodes, int n) throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Long>> submits = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ActivationQueue node = nodes.get(i % nodes.size());
        CompletableFuture<Long> result = new CompletableFuture<>();
        submits.add(result);
        callers.execute(
            () -> {
              try {
                go.await();
                CompletionStage<Long> s = node.submit(request(newId(), new byte[] {7}, "r"));
                s.whenComplete((t, e) -> {
                  if (e != null) {
                    result.completeExceptionally(e);
                  } else {
                    result.complete(t);
                  }
                });
              } catch (InterruptedException e) {
                result.completeExceptionally(e);
              }
            });
      }
      go.countDown();
      CompletableFuture.allOf(submits.toArray(CompletableFuture[]::new))
          .exceptionally(e -> null)
          .get(10, TimeUnit.SECONDS);
    } finally {
      callers.shutdownNow();
    }
    return submits;
  }

  /** How many submits succeeded ({@code failure} null) or failed with exactly that type. */
  private static long count(List<CompletableFuture<Long>> submits, Class<?> failure) {
    return submits.stream()
        .filter(
            f -> {
              try {
                f.get();
                return failure == null;
              } catch (ExecutionException e) {
                if (failure == null || !failure.isInstance(e.getCause())) {
                  if (!(e.getCause() instanceof AdmissionRefused.Full)) {
                    throw new AssertionError("unexpected failure", e.getCause());
                  }
                  return false;
                }
                return true;
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            })
        .count();
  }

  private static List<WorkItem> concat(List<WorkItem> a, List<WorkItem> b) {
    List<WorkItem> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Pulls until {@code n} items came, each pull bounded; fails if they do not. */
  static List<WorkItem> pullAll(WorkSource worker, int n) throws Exception {
    List<WorkItem> items = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (items.size() < n && System.nanoTime() < deadline) {
      items.addAll(await(worker.pull(n - items.size(), PULL_WAIT)));
    }
    assertEquals(n, items.size(), "items pulled");
    return items;
  }
}
