package dev.faas.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.AsyncBacklog;
import dev.faas.actors.activation.AsyncRequest;
import dev.faas.actors.activation.CallbackQueue;
import dev.faas.actors.activation.CallbackStatus;
import dev.faas.actors.engine.AsyncSteps;
import dev.faas.actors.engine.CallbackSteps;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.CallbackSecretStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The sender's decisions around one delivery, with the queue, the records and the POST faked. */
class CallbackSenderTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final String ID = "abcdefghijklmnopqrstuvwx";
  private static final AsyncConfig.Callback CONFIG =
      new AsyncConfig.Callback("", 2, Duration.ofSeconds(5), Duration.ofSeconds(1), 100);

  private final Records records = new Records();
  private final List<List<String>> signedWith = new ArrayList<>();
  private final AtomicInteger posts = new AtomicInteger();
  private CallbackSteps.Result answer = new CallbackSteps.Delivered(200);

  private CallbackSender sender() {
    CallbackSecretStore secrets =
        new CallbackSecretStore() {
          // Rotated a minute ago: the old secret still signs alongside the new one.
          private Secrets secrets = new Secrets("whsec_new", "whsec_old", NOW.minusSeconds(60));

          @Override
          public synchronized CompletionStage<Secrets> get(String owner) {
            return CompletableFuture.completedFuture(secrets);
          }

          @Override
          public synchronized CompletionStage<Secrets> rotate(String owner) {
            secrets = new Secrets("whsec_" + NOW, secrets.current(), NOW);
            return CompletableFuture.completedFuture(secrets);
          }

          @Override
          public CompletionStage<Void> delete(String owner) {
            return CompletableFuture.completedFuture(null);
          }
        };
    CallbackSender.Post post =
        (url, id, at, body, signing) -> {
          posts.incrementAndGet();
          signedWith.add(signing);
          return CompletableFuture.completedFuture(answer);
        };
    return new CallbackSender(
        new CallbackQueue() {
          @Override
          public void enqueue(Task task) {}

          @Override
          public List<Delivery> take(int max, Duration wait) {
            return List.of();
          }
        },
        records, secrets, post, CONFIG, Clock.fixed(NOW, ZoneOffset.UTC),
        new SimpleMeterRegistry());
  }

  private static ActivationRecord finalRecord() {
    AsyncRequest request =
        new AsyncRequest(ID, "u1", "echo", new byte[0], null, null, NOW.minusSeconds(5),
            "https://hooks.example.com/x", null);
    return AsyncSteps.queued(request, 0, 0).withStatus(ActivationStatus.SUCCESS);
  }

  private static final class Delivery implements CallbackQueue.Delivery {
    final int attempt;
    boolean done;
    Duration retryAfter;

    Delivery(int attempt) {
      this.attempt = attempt;
    }

    @Override
    public CallbackQueue.Task task() {
      return new CallbackQueue.Task("u1", ID, "https://hooks.example.com/x");
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public void done() {
      done = true;
    }

    @Override
    public void retryAfter(Duration delay) {
      retryAfter = delay;
    }
  }

  @Test
  void aDeliveredCallbackIsWrittenIntoTheRecordAndTheTaskGoes() {
    records.put(finalRecord());
    Delivery d = new Delivery(1);
    sender().deliver(d);
    assertTrue(d.done);
    CallbackStatus written = records.current().async().callback();
    assertEquals(CallbackStatus.DELIVERED, written.state());
    assertEquals(1, written.attempts());
    assertEquals(List.of(List.of("whsec_new", "whsec_old")), signedWith,
        "signed with the new secret and, within a day of the rotation, the old one");
  }

  @Test
  void aFailedAttemptComesBackAfterItsBackoffAndTheLastOneGivesUp() {
    answer = new CallbackSteps.Failed("HTTP 503", 503);
    records.put(finalRecord());
    Delivery first = new Delivery(1);
    sender().deliver(first);
    assertEquals(Duration.ofSeconds(5), first.retryAfter);
    Delivery last = new Delivery(3);
    sender().deliver(last);
    assertTrue(last.done);
    assertEquals(CallbackStatus.FAILED, records.current().async().callback().state());
  }

  @Test
  void aRecordGoneOrACallbackSettledAlreadyIsNotPostedAgain() {
    Delivery gone = new Delivery(1);
    sender().deliver(gone);
    assertTrue(gone.done);
    ActivationRecord r = finalRecord();
    records.put(
        r.withAsync(r.async().withCallback(r.async().callback().attempted(
            CallbackStatus.DELIVERED, 200, null, NOW))));
    Delivery again = new Delivery(2);
    sender().deliver(again);
    assertTrue(again.done);
    assertEquals(0, posts.get());
  }

  @Test
  void aRecordChangedMeanwhileIsReadAgainBeforeTheStateIsWritten() {
    records.put(finalRecord());
    records.conflictsLeft = 1;
    Delivery d = new Delivery(1);
    sender().deliver(d);
    assertTrue(d.done);
    assertEquals(CallbackStatus.DELIVERED, records.current().async().callback().state());
  }

  @Test
  void aStoreThatCannotBeReadLeavesTheTaskForLaterWithoutPosting() {
    records.broken = true;
    Delivery d = new Delivery(1);
    sender().deliver(d);
    assertNull(d.done ? "done" : null);
    assertEquals(Duration.ofSeconds(5), d.retryAfter);
    assertEquals(0, posts.get());
  }

  /** One record's store with revisions, able to lose a compare-and-set or to be away. */
  private static final class Records implements AsyncBacklog {
    private ActivationRecord record;
    private long revision;
    int conflictsLeft;
    boolean broken;

    void put(ActivationRecord r) {
      record = r;
      revision++;
    }

    ActivationRecord current() {
      return record;
    }

    @Override
    public Optional<Versioned<ActivationRecord>> read(String owner, String activationId) {
      if (broken) {
        throw new dev.faas.actors.store.StoreException.Unavailable("away", null);
      }
      return record == null ? Optional.empty() : Optional.of(new Versioned<>(record, revision));
    }

    @Override
    public long update(ActivationRecord r, long rev) {
      if (conflictsLeft > 0) {
        conflictsLeft--;
        revision++; // somebody else wrote meanwhile
        throw new Conflict("changed");
      }
      if (rev != revision) {
        throw new Conflict("changed");
      }
      put(r);
      return revision;
    }

    @Override
    public String remember(String owner, String key, String activationId) {
      return activationId; // no key seen before
    }

    @Override
    public void forget(String owner, String key) {}

    @Override
    public long enqueue(AsyncRequest request) {
      return 1; // the backlog is not the sender's: nothing to keep
    }

    @Override
    public Map<String, Long> waiting() {
      return Map.of();
    }

    @Override
    public Optional<Queued> next(String owner, long from) {
      return Optional.empty();
    }

    @Override
    public void remove(long sequence) {}

    @Override
    public boolean lease(String holder) {
      return false;
    }

    @Override
    public long create(ActivationRecord r) {
      if (record != null) {
        throw new Conflict("exists");
      }
      put(r);
      return revision;
    }

    @Override
    public void index(ActivationRecord r) {}
  }
}
