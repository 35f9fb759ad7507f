package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.activation.LiveLogFeed;
import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Names;
import dev.faas.actors.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@code GET /v1/activations/{id}/logs} (docs/api.md, "Logs", docs/decisions/0023): the stored
 * logs of a record as text, or with {@code follow=true} the activation's stderr as server-sent
 * events while it runs, ending with its status.
 *
 * <p>Who may follow: the caller's record says so when there is one (finished, or an asynchronous
 * activation's from its start); a synchronous activation has no record until it ends, so the
 * node waits up to {@link Limits#ownerWait} for a message of the activation from its worker,
 * which names its owner, and answers 404 when none of the caller's comes, as for a record.
 */
final class LiveLogRoutes {
  static final String TEMPLATE = "/v1/activations/{id}/logs";
  static final String TRUNCATED_HEADER = "X-Logs-Truncated";

  /**
   * How a follow behaves.
   *
   * @param ownerWait how long to wait for the first word of a running activation with no record
   *     (workers send one every second while it runs)
   * @param silence with nothing heard for this long, the record is read: ended, the stream ends
   * @param maxSilences after this many silences in a row with no record, the stream ends as
   *     {@code unknown} (its worker is gone, and no other took it); a record that is not final
   *     yet (an asynchronous activation still queued) keeps it open
   * @param buffer events waiting for a slow reader at most; past it, log events are dropped
   * @param keepAlive a comment line when no event went out for this long (proxies' idle timeouts)
   */
  record Limits(
      Duration ownerWait, Duration silence, int maxSilences, int buffer, Duration keepAlive) {
    static Limits defaults() {
      return new Limits(
          Duration.ofSeconds(3), Duration.ofSeconds(5), 12, 256, Duration.ofSeconds(15));
    }
  }

  private final ActivationStore activations;
  private final LiveLogFeed feed;
  private final Limits limits;
  private final Counter dropped;

  LiveLogRoutes(
      ActivationStore activations, LiveLogFeed feed, Limits limits, MeterRegistry registry) {
    this.activations = activations;
    this.feed = feed;
    this.limits = limits;
    this.dropped =
        Counter.builder("faas.live.log.dropped.bytes")
            .description("Bytes of live logs dropped: side=api for a follower too slow to read"
                + " them, side=worker when the worker's bounded queue or NATS refused them")
            .tag("side", "api")
            .register(registry);
  }

  List<Endpoint> endpoints() {
    return List.of(
        Endpoint.authenticated(
            HttpMethods.GET,
            TEMPLATE,
            (params, caller) ->
                parameterOptional(
                    "follow", follow -> logs(caller, params.get("id"), follow))));
  }

  private Route logs(AuthenticatedUser caller, String id, Optional<String> follow) {
    if (follow.isPresent() && !follow.get().equals("true") && !follow.get().equals("false")) {
      return ProblemType.VALIDATION
          .problem("follow: must be true or false")
          .with("field", "follow")
          .toRoute();
    }
    if (!Names.isActivationId(id)) {
      return complete(missing(id));
    }
    if (follow.isEmpty() || follow.get().equals("false")) {
      return onSuccess(
          record(caller, id)
              .thenApply(found -> found.map(LiveLogRoutes::text).orElseGet(() -> missing(id)))
              .exceptionally(RequestIds.logging(Responses::failure)),
          response -> complete(response));
    }
    // A proxy in front (APISIX is nginx) must pass each event on as it comes, not buffer them.
    return respondWithHeaders(
        List.of(
            RawHeader.create("X-Accel-Buffering", "no"),
            RawHeader.create("Cache-Control", "no-cache")),
        () -> extractMaterializer(materializer -> onSuccess(follow(caller, id, materializer),
            route -> route)));
  }

  /**
   * Subscribes first, then reads the record: an activation that ends in between has its end
   * message arrive on the subscription, since the worker sends it after writing the record.
   */
  private CompletionStage<Route> follow(
      AuthenticatedUser caller, String id, Materializer materializer) {
    Pair<BoundedSourceQueue<LiveLogFollower.Item>, Source<LiveLogFollower.Item, NotUsed>> queued =
        Source.<LiveLogFollower.Item>queue(limits.buffer()).preMaterialize(materializer);
    LiveLogFollower follower =
        new LiveLogFollower(caller.userId(), onlyStartedBy(caller), queued.first(),
            dropped::increment);
    AutoCloseable subscription;
    try {
      subscription = feed.follow(id, follower);
    } catch (RuntimeException e) {
      queued.first().complete();
      return CompletableFuture.completedFuture(
          complete(Responses.failure(new StoreException.Unavailable(e.getMessage(), e))));
    }
    return record(caller, id)
        .thenCompose(
            found -> {
              if (found.isPresent() && LiveLogFollower.isFinal(found.get().status())) {
                close(subscription, queued.first());
                return CompletableFuture.completedFuture(
                    completeOK(
                        Source.from(LiveLogFollower.ofRecord(found.get())),
                        EventStreamMarshalling.toEventStream()));
              }
              if (found.isPresent()) {
                follower.ownerKnown();
              }
              return follower
                  .ownerSeen()
                  .completeOnTimeout(false, limits.ownerWait().toMillis(), TimeUnit.MILLISECONDS)
                  .thenApply(
                      seen -> {
                        if (!seen) {
                          close(subscription, queued.first());
                          return complete(missing(id));
                        }
                        return completeOK(
                            events(caller, id, follower, queued.second(), subscription,
                                queued.first()),
                            EventStreamMarshalling.toEventStream());
                      });
            })
        .exceptionally(
            failure -> {
              close(subscription, queued.first());
              return complete(RequestIds.logging(Responses::failure).apply(failure));
            });
  }

  private Source<ServerSentEvent, NotUsed> events(
      AuthenticatedUser caller,
      String id,
      LiveLogFollower follower,
      Source<LiveLogFollower.Item, NotUsed> items,
      AutoCloseable subscription,
      BoundedSourceQueue<LiveLogFollower.Item> queue) {
    AtomicInteger silences = new AtomicInteger();
    return items
        .keepAlive(limits.silence(), () -> LiveLogFollower.Marker.IDLE)
        .mapAsync(
            1,
            item -> {
              if (item != LiveLogFollower.Marker.IDLE) {
                silences.set(0);
                return CompletableFuture.completedFuture(List.of(item));
              }
              return afterSilence(caller, id, follower, silences);
            })
        .mapConcat(list -> list)
        .takeWhile(item -> !(item instanceof LiveLogFollower.Emit e && e.last()), true)
        .collectType(LiveLogFollower.Emit.class)
        .map(LiveLogFollower.Emit::event)
        .keepAlive(limits.keepAlive(), ServerSentEvent::heartbeat)
        .watchTermination(
            (notUsed, done) -> {
              // The follower is gone (or the stream ended): no subscription is left behind.
              done.whenComplete((ok, failure) -> close(subscription, queue));
              return NotUsed.notUsed();
            });
  }

  /**
   * Reads the record after a silence. A record that is not final (an asynchronous activation
   * waiting in the queue) keeps the stream open however long; with no record at all, {@code
   * silences} in a row end it as {@code unknown}.
   */
  private CompletionStage<List<LiveLogFollower.Item>> afterSilence(
      AuthenticatedUser caller, String id, LiveLogFollower follower, AtomicInteger silences) {
    return record(caller, id)
        .handle(
            (found, failure) -> {
              ActivationRecord record = failure == null ? found.orElse(null) : null;
              List<LiveLogFollower.Item> items = follower.afterSilence(record);
              boolean ended =
                  items.stream().anyMatch(i -> i instanceof LiveLogFollower.Emit e && e.last());
              int inARow = record == null ? silences.incrementAndGet() : 0;
              if (record != null) {
                silences.set(0);
              }
              if (!ended && inARow >= limits.maxSilences()) {
                List<LiveLogFollower.Item> last = new ArrayList<>(items);
                last.add(new LiveLogFollower.Emit(LiveLogFollower.unknownEnd(), true));
                return last;
              }
              return items;
            });
  }

  private CompletionStage<Optional<ActivationRecord>> record(AuthenticatedUser caller, String id) {
    String only = onlyStartedBy(caller);
    return activations
        .get(caller.userId(), id)
        .thenApply(found -> found.filter(r -> only == null || only.equals(r.startedBy())));
  }

  private static HttpResponse text(ActivationRecord record) {
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(
            HttpEntities.create(
                ContentTypes.TEXT_PLAIN_UTF8, record.logs() == null ? "" : record.logs()))
        .addHeader(RawHeader.create(TRUNCATED_HEADER, Boolean.toString(record.logsTruncated())));
  }

  private static HttpResponse missing(String id) {
    return Problem.of(StatusCodes.NOT_FOUND, "no activation with id " + id).toResponse();
  }

  /** An {@code invoke} key follows and reads only what it started. */
  private static String onlyStartedBy(AuthenticatedUser caller) {
    return caller.key() != null && caller.key().scope() == ApiKey.Scope.INVOKE
        ? caller.key().id()
        : null;
  }

  private static void close(AutoCloseable subscription, BoundedSourceQueue<?> queue) {
    try {
      subscription.close();
    } catch (Exception e) {
      // Best effort: the subscription dies with its connection anyway.
    }
    queue.complete();
  }
}
