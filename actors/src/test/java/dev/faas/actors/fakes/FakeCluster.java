package dev.faas.actors.fakes;

import dev.faas.actors.activation.ActivationQueue;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.activation.WorkerEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The activation transport in memory, as JetStream gives it: a work queue bounded to {@code
 * bound} held messages (discard-new: a submit past it fails {@link AdmissionRefused.Full}), a
 * message holding its place until acked or dropped, redelivered with a higher delivery count when
 * its holder goes silent for {@code ackWait}, and worker events routed to the API node listening
 * for the activation. Each worker pulls through its own {@link Source}, which can {@link
 * Source#vanish()} like a worker whose process died.
 */
public final class FakeCluster implements ActivationQueue, AutoCloseable {
  private final int bound;
  private final Duration ackWait;
  private final Duration liveWindow;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fake-cluster");
            t.setDaemon(true);
            return t;
          });

  // Guarded by this.
  private final Map<Long, Entry> held = new LinkedHashMap<>();
  private final Deque<Entry> pending = new ArrayDeque<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Map<String, Long> announced = new HashMap<>();
  private long tickets;
  private long tokens;
  private int maxHeld;

  private final ConcurrentHashMap<String, Consumer<WorkerEvent>> listeners =
      new ConcurrentHashMap<>();
  private final List<ActivationRequest> submitted = new CopyOnWriteArrayList<>();
  private final List<Long> withdrawn = new CopyOnWriteArrayList<>();
  /** The worker each submit was routed to, in order; null for "any worker". */
  private final List<String> routes = new CopyOnWriteArrayList<>();
  private volatile String warmWorker;
  private final List<Item> delivered = new CopyOnWriteArrayList<>();
  private final AtomicInteger rejectedFull = new AtomicInteger();
  private final AtomicInteger listens = new AtomicInteger();
  private volatile Integer liveWorkersOverride;
  private volatile RuntimeException submitFailure;
  private volatile boolean submitHangs;
  private volatile ActivationQueue.Link link = ActivationQueue.Link.UP;

  public FakeCluster(int bound, Duration ackWait, Duration liveWindow) {
    this.bound = bound;
    this.ackWait = ackWait;
    this.liveWindow = liveWindow;
    long period = Math.max(1, ackWait.toMillis() / 4);
    scheduler.scheduleAtFixedRate(this::redeliver, period, period, TimeUnit.MILLISECONDS);
  }

  /** A cluster without workers whose live count the test sets. */
  public static FakeCluster withLiveWorkers(int bound, int liveWorkers) {
    FakeCluster c = new FakeCluster(bound, Duration.ofMinutes(10), Duration.ofMinutes(10));
    c.liveWorkers(liveWorkers);
    return c;
  }

  public void liveWorkers(Integer count) {
    this.liveWorkersOverride = count;
  }

  /** Every later submit fails with {@code failure}. */
  public void failSubmits(RuntimeException failure) {
    this.submitFailure = failure;
  }

  /** Every later submit never completes (an unreachable queue). */
  public void hangSubmits() {
    this.submitHangs = true;
  }

  // ---------------------------------------------------------------- API side

  @Override
  public AutoCloseable listen(String activationId, Consumer<WorkerEvent> onEvent) {
    listens.incrementAndGet();
    listeners.put(activationId, onEvent);
    return () -> listeners.remove(activationId, onEvent);
  }

  /** Names {@code worker} (null: none) as holding warm containers for every function. */
  public void warmWorker(String worker) {
    warmWorker = worker;
  }

  /** The route of each submit so far, in order: a worker's id, or null for any worker. */
  public List<String> routes() {
    return java.util.Collections.unmodifiableList(new ArrayList<>(routes));
  }

  @Override
  public java.util.Optional<String> warmWorker(dev.faas.actors.model.FunctionSpec function) {
    return java.util.Optional.ofNullable(warmWorker);
  }

  /** Queued like any other: the tests play the routed worker's part with {@link #emit}. */
  @Override
  public CompletionStage<Long> submit(ActivationRequest request, String worker) {
    return submit(request, (Object) worker);
  }

  @Override
  public CompletionStage<Long> submit(ActivationRequest request) {
    return submit(request, (Object) null);
  }

  private CompletionStage<Long> submit(ActivationRequest request, Object worker) {
    routes.add(worker == null ? null : worker.toString());
    submitted.add(request);
    if (submitFailure != null) {
      return CompletableFuture.failedFuture(submitFailure);
    }
    if (submitHangs) {
      return new CompletableFuture<>();
    }
    List<Runnable> completions;
    long ticket;
    synchronized (this) {
      if (held.size() >= bound) {
        rejectedFull.incrementAndGet();
        return CompletableFuture.failedFuture(new AdmissionRefused.Full());
      }
      ticket = ++tickets;
      Entry e = new Entry(ticket, request);
      held.put(ticket, e);
      pending.addLast(e);
      maxHeld = Math.max(maxHeld, held.size());
      completions = serveWaiters();
    }
    completions.forEach(Runnable::run);
    return CompletableFuture.supplyAsync(() -> ticket);
  }

  @Override
  public CompletionStage<Void> withdraw(long ticket) {
    withdrawn.add(ticket);
    synchronized (this) {
      Entry e = held.get(ticket);
      if (e != null && e.holder == null) {
        held.remove(ticket);
        pending.remove(e);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public int liveWorkers() {
    Integer override = liveWorkersOverride;
    if (override != null) {
      return override;
    }
    long now = System.nanoTime();
    synchronized (this) {
      return (int) announced.values().stream().filter(t -> now - t < liveWindow.toNanos()).count();
    }
  }

  /** Delivers {@code event} to the node listening for its activation, as a worker would. */
  public boolean emit(WorkerEvent event) {
    Consumer<WorkerEvent> l = listeners.get(event.activationId());
    if (l != null) {
      l.accept(event);
      return true;
    }
    return false;
  }

  /** This API node's link goes down: what it would hear from workers does not reach it. */
  public synchronized void linkDown() {
    link = new ActivationQueue.Link(false, link.changes() + 1);
  }

  /** This API node's link is back. */
  public synchronized void linkUp() {
    link = new ActivationQueue.Link(true, link.changes() + 1);
  }

  @Override
  public ActivationQueue.Link link() {
    return link;
  }

  // ------------------------------------------------------------- worker side

  /** The work source of worker {@code workerId}. */
  public Source source(String workerId) {
    return new Source(workerId);
  }

  /** One worker's view of the queue. */
  public final class Source implements WorkSource {
    private final java.util.concurrent.atomic.AtomicInteger announcements =
        new java.util.concurrent.atomic.AtomicInteger();
    private final String workerId;
    private volatile boolean vanished;
    private final List<Integer> pullSizes = new CopyOnWriteArrayList<>();
    private final AtomicInteger pullsBeyondSlots = new AtomicInteger();
    private volatile int slots = Integer.MAX_VALUE;

    Source(String workerId) {
      this.workerId = workerId;
    }

    /** The number of slots the worker claims; pulls for more than it has free are counted. */
    public Source slots(int slots) {
      this.slots = slots;
      return this;
    }

    @Override
    public CompletionStage<List<WorkItem>> pull(int max, Duration wait) {
      pullSizes.add(max);
      if (max + holding(this) > slots) {
        pullsBeyondSlots.incrementAndGet();
      }
      return FakeCluster.this.pull(this, max, wait);
    }

    /** This fake's workers take only shared work: nothing is routed to them. */
    @Override
    public boolean routes() {
      return false;
    }

    /**
     * Nothing is ever routed here: as a real long poll on an empty subject, it answers no item
     * once {@code wait} has passed.
     */
    @Override
    public CompletionStage<List<WorkItem>> pullRouted(int max, Duration wait) {
      return CompletableFuture.supplyAsync(
          List::of, CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public void announce(String workerId, int freeSlots, java.util.Set<String> warmFunctions) {
      announcements.incrementAndGet();
      if (!vanished) {
        synchronized (FakeCluster.this) {
          announced.put(workerId, System.nanoTime());
        }
      }
    }

    /** The worker's process dies: from now on nothing it does reaches the queue or a node. */
    public void vanish() {
      vanished = true;
      synchronized (FakeCluster.this) {
        announced.remove(workerId);
        waiters.removeIf(w -> w.source == this);
      }
    }

    /** How many times the worker announced itself. */
    public int announcements() {
      return announcements.get();
    }

    public List<Integer> pullSizes() {
      return List.copyOf(pullSizes);
    }

    public int pullsBeyondSlots() {
      return pullsBeyondSlots.get();
    }

    public String workerId() {
      return workerId;
    }
  }

  private synchronized int holding(Source source) {
    return (int) held.values().stream().filter(e -> e.holder == source).count();
  }

  private CompletionStage<List<WorkItem>> pull(Source source, int max, Duration wait) {
    CompletableFuture<List<WorkItem>> result = new CompletableFuture<>();
    synchronized (this) {
      if (source.vanished) {
        return result;
      }
      List<WorkItem> items = take(source, max);
      if (!items.isEmpty()) {
        return CompletableFuture.supplyAsync(() -> items);
      }
      Waiter w = new Waiter(source, max, result);
      waiters.add(w);
      scheduler.schedule(
          () -> {
            boolean mine;
            synchronized (FakeCluster.this) {
              mine = waiters.remove(w);
            }
            if (mine) {
              result.complete(List.of());
            }
          },
          wait.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return result;
  }

  /** Under the lock: hands pending entries to waiting pulls; returns what to complete after. */
  private List<Runnable> serveWaiters() {
    List<Runnable> completions = new ArrayList<>();
    Iterator<Waiter> it = waiters.iterator();
    while (it.hasNext() && !pending.isEmpty()) {
      Waiter w = it.next();
      it.remove();
      List<WorkItem> items = take(w.source, w.max);
      completions.add(() -> w.result.complete(items));
    }
    return completions;
  }

  private List<WorkItem> take(Source source, int max) {
    List<WorkItem> items = new ArrayList<>();
    while (items.size() < max && !pending.isEmpty()) {
      Entry e = pending.removeFirst();
      e.deliveries++;
      e.holder = source;
      e.token = ++tokens;
      e.touched = System.nanoTime();
      Item item = new Item(e, e.token, e.deliveries, source);
      delivered.add(item);
      items.add(item);
    }
    return items;
  }

  private void redeliver() {
    List<Runnable> completions;
    synchronized (this) {
      long now = System.nanoTime();
      List<Entry> silent = new ArrayList<>();
      for (Entry e : held.values()) {
        if (e.holder != null && now - e.touched > ackWait.toNanos()) {
          silent.add(e);
        }
      }
      for (int i = silent.size() - 1; i >= 0; i--) {
        Entry e = silent.get(i);
        e.holder = null;
        e.token = 0;
        pending.addFirst(e);
      }
      completions = serveWaiters();
    }
    completions.forEach(Runnable::run);
  }

  // Like JetStream, which settles and touches a pending message by its stream sequence: an ack
  // or progress report through an earlier delivery of a message still counts.
  private synchronized void touch(Entry e, long token) {
    if (held.get(e.ticket) == e) {
      e.touched = System.nanoTime();
    }
  }

  private synchronized boolean settle(Entry e, long token) {
    if (held.get(e.ticket) == e) {
      held.remove(e.ticket);
      return true;
    }
    return false;
  }

  /** One delivery of a message to a worker. */
  public final class Item implements WorkItem {
    private final Entry entry;
    private final long token;
    private final int deliveryCount;
    private final Source source;
    private final AtomicInteger acks = new AtomicInteger();
    private final AtomicInteger drops = new AtomicInteger();
    private final List<WorkerEvent> replies = new CopyOnWriteArrayList<>();

    Item(Entry entry, long token, int deliveryCount, Source source) {
      this.entry = entry;
      this.token = token;
      this.deliveryCount = deliveryCount;
      this.source = source;
    }

    @Override
    public ActivationRequest request() {
      return entry.request;
    }

    @Override
    public int deliveryCount() {
      return deliveryCount;
    }

    @Override
    public CompletionStage<Void> inProgress() {
      if (!source.vanished) {
        touch(entry, token);
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> ack() {
      acks.incrementAndGet();
      if (!source.vanished) {
        settle(entry, token);
      }
      return CompletableFuture.runAsync(() -> {});
    }

    @Override
    public CompletionStage<Void> drop() {
      drops.incrementAndGet();
      if (!source.vanished) {
        settle(entry, token);
      }
      return CompletableFuture.runAsync(() -> {});
    }

    @Override
    public void reply(WorkerEvent event) {
      replies.add(event);
      if (!source.vanished) {
        emit(event);
      }
    }

    public int acks() {
      return acks.get();
    }

    public int drops() {
      return drops.get();
    }

    public List<WorkerEvent> replies() {
      return List.copyOf(replies);
    }

    public Source source() {
      return source;
    }
  }

  private static final class Entry {
    final long ticket;
    final ActivationRequest request;
    int deliveries;
    Source holder;
    long token;
    long touched;

    Entry(long ticket, ActivationRequest request) {
      this.ticket = ticket;
      this.request = request;
    }
  }

  private record Waiter(Source source, int max, CompletableFuture<List<WorkItem>> result) {}

  // ------------------------------------------------------------- inspection

  public synchronized int held() {
    return held.size();
  }

  public synchronized int maxHeld() {
    return maxHeld;
  }

  public int bound() {
    return bound;
  }

  public List<ActivationRequest> submitted() {
    return List.copyOf(submitted);
  }

  public List<Long> withdrawn() {
    return List.copyOf(withdrawn);
  }

  public List<Item> delivered() {
    return List.copyOf(delivered);
  }

  public int rejectedFull() {
    return rejectedFull.get();
  }

  public int openListeners() {
    return listeners.size();
  }

  public int listens() {
    return listens.get();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
