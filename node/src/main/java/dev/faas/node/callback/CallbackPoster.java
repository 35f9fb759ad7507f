package dev.faas.node.callback;

import dev.faas.actors.engine.CallbackSteps;
import dev.faas.actors.engine.CallbackSteps.Delivered;
import dev.faas.actors.engine.CallbackSteps.Failed;
import dev.faas.actors.engine.CallbackSteps.Refused;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.ProductVersion;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.UserAgent;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs one signed activation record to a user's callback URL, once; the caller retries.
 *
 * <p>Host names become addresses in one place only, the pekko-http transport's resolver below: it
 * resolves on the blocking executor, refuses the whole request when any resolved address is outside
 * {@link CallbackAddresses}, and hands the client that very address to connect to. So the address that
 * was checked is the one connected to, and a name that re-resolves to an internal address between a
 * check and a connect (DNS rebinding) never gets the chance. TLS is layered above the transport, so
 * https still verifies the certificate against, and sends SNI for, the URL's host name.
 *
 * <p>Never follows redirects (a 3xx is a {@link Failed} with its status), discards the response body
 * after at most 64 KiB, and bounds each call by one timeout from connect to response.
 */
public final class CallbackPoster implements AutoCloseable {

  /** Turns a host name into its addresses; blocking. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;

    /** The JVM's resolver, i.e. the system's DNS. */
    static Resolver system() {
      return InetAddress::getAllByName;
    }
  }

  static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final Pattern WEBHOOK_ID = Pattern.compile("[A-Za-z0-9_-]{1,256}");
  private static final Logger log = LoggerFactory.getLogger(CallbackPoster.class);
  private static final UserAgent USER_AGENT = UserAgent.create(ProductVersion.create("faas-callback", "1"));

  private final ActorSystem<?> system;
  private final CallbackAddresses addresses;
  private final Resolver resolver;
  private final Executor blocking;
  private final Duration timeout;
  private final HttpsConnectionContext https;
  private final ConnectionPoolSettings pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** With the system's DNS resolver and the JVM's default trust store. */
  public CallbackPoster(ActorSystem<?> system, CallbackAddresses addresses, Executor blocking, Duration timeout) {
    this(system, addresses, Resolver.system(), blocking, timeout);
  }

  /** With the JVM's default trust store. */
  public CallbackPoster(ActorSystem<?> system, CallbackAddresses addresses, Resolver resolver, Executor blocking,
      Duration timeout) {
    this(system, addresses, resolver, blocking, timeout, defaultSslContext());
  }

  /** With the given trust (tests use a context that trusts their own certificate). */
  CallbackPoster(ActorSystem<?> system, CallbackAddresses addresses, Resolver resolver, Executor blocking,
      Duration timeout, SSLContext ssl) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("callback timeout must be positive: " + timeout);
    }
    this.system = Objects.requireNonNull(system);
    this.addresses = Objects.requireNonNull(addresses);
    this.resolver = Objects.requireNonNull(resolver);
    this.blocking = Objects.requireNonNull(blocking);
    this.timeout = timeout;
    this.https = ConnectionContext.httpsClient(ssl);
    this.pool = poolSettings(system, ClientTransport.withCustomResolver(this::lookUp), timeout);
  }

  /**
   * POSTs {@code jsonBody} to {@code url}, signed with each of {@code secrets} (the current one first).
   * The stage never completes exceptionally: every outcome is a {@link CallbackSteps.Result}.
   */
  public CompletionStage<CallbackSteps.Result> post(URI url, String webhookId, Instant timestamp, byte[] jsonBody,
      List<String> secrets) {
    try {
      return send(url, webhookId, timestamp, jsonBody, secrets);
    } catch (IllegalArgumentException e) {                // a malformed secret, id or timestamp: the messages name none
      return CompletableFuture.completedFuture(new Refused("cannot sign callback to " + host(url) + ": " + e.getMessage()));
    } catch (RuntimeException e) {
      log.warn("Callback to [{}] not sent", host(url), e);
      return CompletableFuture.completedFuture(new Failed("callback to " + host(url) + " not sent: "
          + e.getClass().getSimpleName(), 0));
    }
  }

  private CompletionStage<CallbackSteps.Result> send(URI url, String webhookId, Instant timestamp, byte[] jsonBody,
      List<String> secrets) {
    if (closed.get()) {
      return CompletableFuture.completedFuture(new Failed("callback sender is shut down", 0));
    }
    String problem = CallbackUrls.problem(url);
    if (problem != null) {
      return CompletableFuture.completedFuture(new Refused(problem));
    }
    if (webhookId == null || !WEBHOOK_ID.matcher(webhookId).matches()) {
      return CompletableFuture.completedFuture(new Refused("webhook id for " + url.getHost()
          + " must be 1 to 256 letters, digits, '_' or '-'"));   // it goes into a header and the signed content
    }
    String signature = CallbackSignature.header(secrets, webhookId, timestamp.getEpochSecond(), jsonBody);
    Uri target;
    try {
      target = Uri.create(url.toASCIIString());
    } catch (RuntimeException e) {                        // its message would repeat the URL, query and all
      return CompletableFuture.completedFuture(new Refused("callback URL for host " + url.getHost() + " is malformed"));
    }
    HttpRequest request = HttpRequest.POST(target.toString())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, jsonBody))
        .addHeader(USER_AGENT)
        .addHeader(RawHeader.create("webhook-id", webhookId))
        .addHeader(RawHeader.create("webhook-timestamp", Long.toString(timestamp.getEpochSecond())))
        .addHeader(RawHeader.create("webhook-signature", signature));
    if (!CallbackUrls.sameHost(target.host().address(), CallbackUrls.bareHost(url))) {
      return CompletableFuture.completedFuture(new Refused("callback URL for host " + url.getHost() + " is ambiguous"));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<CallbackSteps.Result> result = new CompletableFuture<>();
    result.completeOnTimeout(new Failed("no response from " + url.getHost() + " within " + timeout, 0),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    Http.get(system.classicSystem())
        .singleRequest(request, https, pool, system.classicSystem().log())
        .whenComplete((response, failure) -> {
          if (failure != null) {
            result.complete(failed(url, failure));
          } else {
            result.complete(answered(url, response.status().intValue()));
            drain(response, deadline);
          }
        });
    return result;
  }

  /**
   * Why a callback to {@code url} would be refused if attempted now (its form, or where its host
   * resolves), or empty when it would be attempted: the check before an asynchronous call's
   * {@code 202}. Blocking: it resolves the host.
   */
  public java.util.Optional<String> refusal(URI url) {
    String problem = CallbackUrls.problem(url);
    if (problem != null) {
      return java.util.Optional.of(problem);
    }
    try {
      choose(url.getHost());
      return java.util.Optional.empty();
    } catch (RefusedAddress e) {
      return java.util.Optional.of(e.getMessage());
    } catch (UnknownHostException e) {
      return java.util.Optional.of("cannot resolve " + CallbackUrls.bareHost(url));
    }
  }

  /** The transport's resolver: the only place a callback host becomes an address. */
  private CompletionStage<InetSocketAddress> lookUp(String host, Object port) {
    int portNumber = (Integer) port;
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new InetSocketAddress(choose(host), portNumber);
      } catch (UnknownHostException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  /** The address to connect to, or {@link RefusedAddress} when the host may not be called back. */
  InetAddress choose(String host) throws UnknownHostException {
    String bare = CallbackUrls.unbracket(host);
    InetAddress literal = CallbackUrls.literal(bare);
    InetAddress[] resolved = literal != null ? new InetAddress[] {literal} : resolver.resolve(bare);
    if (resolved == null || resolved.length == 0) {
      throw new RefusedAddress("callback host " + bare + " resolves to no address");
    }
    for (InetAddress address : resolved) {
      if (!addresses.permitted(address)) {
        throw new RefusedAddress("callback host " + bare + " resolves to " + address.getHostAddress()
            + ", an address callbacks may not reach (see FAAS_CALLBACK_ALLOW)");
      }
    }
    return resolved[0];
  }

  private static CallbackSteps.Result answered(URI url, int status) {
    if (status >= 200 && status < 300) {
      return new Delivered(status);
    }
    return new Failed(url.getHost() + " answered " + status, status);
  }

  private static CallbackSteps.Result failed(URI url, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RefusedAddress refused) {
        return new Refused(refused.getMessage());
      }
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String what = root instanceof UnknownHostException ? "cannot resolve " + url.getHost()
        : "cannot reach " + url.getHost() + ": " + root.getClass().getSimpleName()
            + (root.getMessage() == null ? "" : " " + root.getMessage());
    log.debug("Callback to [{}] failed", url.getHost(), failure);
    return new Failed(what, 0);
  }

  /** Reads at most 64 KiB of the answer, then lets the connection go; never past the call's deadline. */
  private void drain(HttpResponse response, long deadline) {
    long left = Math.max(1, deadline - System.nanoTime());
    AtomicLong seen = new AtomicLong();
    response.entity().getDataBytes()
        .takeWhile(chunk -> seen.addAndGet(chunk.size()) < MAX_RESPONSE_BYTES, true)
        .completionTimeout(Duration.ofNanos(left))
        .runWith(Sink.<ByteString>ignore(), system)
        .whenComplete((done, failure) -> { });
  }

  private static ConnectionPoolSettings poolSettings(ActorSystem<?> system, ClientTransport transport, Duration timeout) {
    ClientConnectionSettings connection = ClientConnectionSettings.create(system.classicSystem())
        .withConnectingTimeout(timeout)
        .withIdleTimeout(timeout)
        .withUserAgentHeader(java.util.Optional.of(USER_AGENT))
        .withTransport(transport);
    return ConnectionPoolSettings.create(system.classicSystem())
        .withConnectionSettings(connection)
        .withMaxConnections(4)                            // callbacks are rare per host
        .withMinConnections(0)
        .withMaxRetries(0)                                // the caller retries, with its own backoff
        .withKeepAliveTimeout(Duration.ofSeconds(5))      // an idle connection is closed soon
        .withIdleTimeout(Duration.ofSeconds(30))          // and the host's pool itself soon after
        .withBaseConnectionBackoff(Duration.ofMillis(100))
        .withMaxConnectionBackoff(Duration.ofSeconds(2))
        .withResponseEntitySubscriptionTimeout(timeout);
  }

  private static SSLContext defaultSslContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  private static String host(URI url) {
    return url == null ? "null" : String.valueOf(url.getHost());
  }

  /**
   * Stops accepting new calls (they end as {@link Failed}, status 0). The per-host pools are the
   * system's and close themselves after 30 s without calls.
   */
  @Override
  public void close() {
    closed.set(true);
  }

  /** The address policy refused a host; carried through pekko's failure to {@link #failed}. */
  static final class RefusedAddress extends UnknownHostException {
    RefusedAddress(String message) {
      super(message);
    }
  }
}
