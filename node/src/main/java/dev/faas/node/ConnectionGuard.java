package dev.faas.node;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * One HTTP connection's limits, as a stage between pekko-http's server layer and the node's
 * route. pekko-http materializes the handler once per accepted connection, so this stage lives
 * exactly as long as its connection, and completing it closes the connection.
 *
 * <ul>
 *   <li>The first request's head must have arrived {@code headerTimeout} after the connection was
 *       accepted, TLS handshake included: a client dribbling header bytes (pekko's own idle timeout
 *       restarts on every byte) or never speaking is closed then. One still in its TLS handshake
 *       is let go by the TLS layer within pekko's {@code linger-timeout} after that.
 *   <li>Between requests (no request in flight), a keep-alive connection waits {@code idleTimeout}
 *       for the next request's head; then it is closed.
 *   <li>At most {@code maxConnections} connections are served normally. The next {@code reserve}
 *       ones are served one request each, whose head must arrive within {@code reserveTimeout},
 *       and then closed: a flood of idle sockets holds the reserve for a second at a time, so a
 *       health probe still gets through. Past the reserve, a connection is closed at once.
 * </ul>
 */
final class ConnectionGuard
    extends GraphStage<BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse>> {

  /**
   * The limits, from {@code faas.http}.
   *
   * @param headerTimeout how long a new connection may take to deliver its first request's head
   * @param idleTimeout how long a connection with no request in flight waits for the next one
   * @param maxConnections connections served normally
   * @param reserve connections past {@code maxConnections} served one quick request each
   * @param reserveTimeout how long a reserve connection may take to deliver its request's head
   */
  record Limits(
      Duration headerTimeout,
      Duration idleTimeout,
      int maxConnections,
      int reserve,
      Duration reserveTimeout) {
    Limits {
      if (!positive(headerTimeout) || !positive(idleTimeout) || !positive(reserveTimeout)) {
        throw new IllegalArgumentException("connection timeouts must be positive");
      }
      if (maxConnections < 1 || reserve < 0) {
        throw new IllegalArgumentException("maxConnections must be positive, reserve not negative");
      }
    }

    /** The connections pekko-http may accept before it stops accepting: all this stage serves. */
    int accepted() {
      return maxConnections + reserve + 1;
    }

    private static boolean positive(Duration d) {
      return d != null && !d.isNegative() && !d.isZero();
    }
  }

  private static final String WAIT = "wait-for-request";

  private final Limits limits;
  private final AtomicInteger open;
  private final Inlet<HttpRequest> requestsIn = Inlet.create("ConnectionGuard.requestsIn");
  private final Outlet<HttpRequest> requestsOut = Outlet.create("ConnectionGuard.requestsOut");
  private final Inlet<HttpResponse> responsesIn = Inlet.create("ConnectionGuard.responsesIn");
  private final Outlet<HttpResponse> responsesOut = Outlet.create("ConnectionGuard.responsesOut");
  private final BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape =
      new BidiShape<>(requestsIn, requestsOut, responsesIn, responsesOut);

  private ConnectionGuard(Limits limits, AtomicInteger open) {
    this.limits = limits;
    this.open = open;
  }

  /**
   * {@code handler} behind the limits; {@code open} counts the connections of one binding (share
   * it between every materialization of the result).
   */
  static Flow<HttpRequest, HttpResponse, NotUsed> around(
      Flow<HttpRequest, HttpResponse, ?> handler, Limits limits, AtomicInteger open) {
    return BidiFlow.fromGraph(new ConnectionGuard(limits, open))
        .join(handler)
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /**
   * Binds {@code route} with {@code server}'s address and TLS, every connection behind {@code
   * limits}. pekko-http's own accept limit is raised to what the guard serves, so it never stops
   * accepting before the guard decides.
   */
  static CompletionStage<ServerBinding> bind(
      ServerBuilder server, Route route, ActorSystem<?> system, Limits limits) {
    ServerSettings settings =
        ServerSettings.create(system.classicSystem()).withMaxConnections(limits.accepted());
    return server
        .withSettings(settings)
        .bindFlow(around(route.flow(system), limits, new AtomicInteger()));
  }

  @Override
  public BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private boolean counted;
      private boolean reserved;
      private int inFlight;

      {
        setHandler(
            requestsIn,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                cancelTimer(WAIT);
                inFlight++;
                push(requestsOut, grab(requestsIn));
              }

              @Override
              public void onUpstreamFinish() {
                // The client is done sending; answers to what it sent still go out.
                complete(requestsOut);
              }
            });
        setHandler(
            requestsOut,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(requestsIn);
              }
            });
        setHandler(
            responsesIn,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                HttpResponse response = grab(responsesIn);
                inFlight--;
                if (reserved) {
                  push(responsesOut, response.addHeader(Connection.create("close")));
                  completeStage();
                  return;
                }
                push(responsesOut, response);
                if (inFlight == 0) {
                  scheduleOnce(WAIT, limits.idleTimeout());
                }
              }
            });
        setHandler(
            responsesOut,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(responsesIn);
              }
            });
      }

      @Override
      public void preStart() {
        int n = open.incrementAndGet();
        counted = true;
        if (n > limits.maxConnections() + limits.reserve()) {
          completeStage();
          return;
        }
        reserved = n > limits.maxConnections();
        scheduleOnce(WAIT, reserved ? limits.reserveTimeout() : limits.headerTimeout());
      }

      @Override
      public void onTimer(Object key) {
        // No request head in time: closing the handler's side closes the connection.
        completeStage();
      }

      @Override
      public void postStop() {
        if (counted) {
          open.decrementAndGet();
        }
      }
    };
  }
}
