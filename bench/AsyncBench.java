import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Asynchronous against synchronous throughput of the same function, in one run (bench/README.md,
 * "Asynchronous activations"): N synchronous calls from C callers, then N asynchronous
 * submissions from C submitters (a 429 is submitted again), then the wait until every one is
 * final. Prints submissions/s accepted, activations/s completed and calls/s synchronous.
 *
 * <pre>java bench/AsyncBench.java --url URL --data-dir DIR --image IMAGE [--n N] [--callers C]</pre>
 *
 * <p>With {@code --drain} (and {@code --url}, {@code --data-dir} once per API node, {@code --users
 * U}, {@code --concurrency} the nodes' {@code FAAS_ASYNC_CONCURRENCY}): only the asynchronous
 * part, {@link AsyncDrain}.
 */
public class AsyncBench {
  private static final Pattern ID = Pattern.compile("\"activationId\"\\s*:\\s*\"([a-z0-9]+)\"");
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z]+)\"");
  private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

  private final HttpClient http;
  private final String url;
  private String token;

  AsyncBench(HttpClient http, String url) {
    this.http = http;
    this.url = url;
  }

  public static void main(String[] args) throws Exception {
    List<String> urls = new ArrayList<>();
    List<Path> dataDirs = new ArrayList<>();
    String image = null;
    int n = 200;
    int callers = 16;
    int users = 2;
    int concurrency = 0;
    boolean drain = false;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> urls.add(args[++i]);
        case "--data-dir" -> dataDirs.add(Path.of(args[++i]));
        case "--image" -> image = args[++i];
        case "--n" -> n = Integer.parseInt(args[++i]);
        case "--callers" -> callers = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--quick" -> n = 60;
        case "--drain" -> drain = true;
        case "--users" -> users = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(ssl(dataDirs))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    if (drain) {
      System.exit(
          AsyncDrain.run(http, urls, image, n, callers, users, concurrency, out) ? 0 : 3);
    }
    String url = urls.get(0);
    AsyncBench bench = new AsyncBench(http, url);
    bench.signUp();
    bench.expect(
        bench.send("POST", "/v1/functions",
            "{\"name\":\"echo\",\"image\":\"" + image + "\"}", null), 201);
    for (int i = 0; i < 5; i++) {
      bench.send("POST", "/v1/functions/echo/invoke", "warm-" + i, null);
    }
    Result sync = bench.sync(n, callers);
    Result async = bench.async(n, callers);
    String report =
        String.format(Locale.ROOT,
            "async bench: n=%d callers=%d%n"
                + "  synchronous:  %d ok of %d in %.2f s = %.1f calls/s%n"
                + "  asynchronous: accepted %d in %.2f s = %.1f submissions/s (429s resubmitted:"
                + " %d)%n"
                + "                completed %d (success %d) in %.2f s from the first submission"
                + " = %.1f activations/s%n",
            n, callers, sync.ok, n, sync.seconds, sync.ok / sync.seconds,
            async.ok, async.submitSeconds, async.ok / async.submitSeconds, async.refused,
            async.completed, async.succeeded, async.seconds, async.completed / async.seconds);
    System.out.print(report);
    if (out != null) {
      Files.createDirectories(out);
      Files.writeString(out.resolve("async-" + Instant.now().toString().replace(':', '-')
          + ".txt"), report);
    }
    System.exit(async.completed == n && async.succeeded == n && sync.ok == n ? 0 : 3);
  }

  record Result(
      int ok, double seconds, double submitSeconds, int refused, int completed, int succeeded) {}

  Result sync(int n, int callers) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    long start = System.nanoTime();
    runAll(callers, () -> {
      int i;
      while ((i = next.getAndIncrement()) < n) {
        HttpResponse<String> r = send("POST", "/v1/functions/echo/invoke", "s-" + i, null);
        if (r.statusCode() == 200) {
          ok.incrementAndGet();
        }
      }
      return null;
    });
    return new Result(ok.get(), seconds(start), 0, 0, 0, 0);
  }

  Result async(int n, int callers) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    runAll(callers, () -> {
      int i;
      while ((i = next.getAndIncrement()) < n) {
        HttpResponse<String> r;
        while ((r = send("POST", "/v1/functions/echo/invoke", "a-" + i, "respond-async"))
            .statusCode() == 429) {
          refused.incrementAndGet();
          Thread.sleep(50);
        }
        if (r.statusCode() == 202) {
          ids.add(r.headers().firstValue("X-Activation-Id").orElseThrow());
        }
      }
      return null;
    });
    double submitted = seconds(start);
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger succeeded = new AtomicInteger();
    List<String> all = new ArrayList<>(ids);
    AtomicInteger cursor = new AtomicInteger();
    runAll(callers, () -> {
      int i;
      while ((i = cursor.getAndIncrement()) < all.size()) {
        String status = "queued";
        for (int k = 0; k < 10 && (status.equals("queued") || status.equals("running")); k++) {
          Matcher m =
              STATUS.matcher(send("GET", "/v1/activations/" + all.get(i) + "?wait=60", null, null)
                  .body());
          status = m.find() ? m.group(1) : "queued";
        }
        if (!status.equals("queued") && !status.equals("running")) {
          completed.incrementAndGet();
          if (status.equals("success")) {
            succeeded.incrementAndGet();
          }
        }
      }
      return null;
    });
    return new Result(ids.size(), seconds(start), submitted, refused.get(), completed.get(),
        succeeded.get());
  }

  interface Task {
    Void call() throws Exception;
  }

  static void runAll(int threads, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Void>> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      all.add(pool.submit(task::call));
    }
    for (Future<Void> f : all) {
      f.get();
    }
    pool.shutdown();
  }

  static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** The same user (token) through another node. */
  AsyncBench on(String otherUrl) {
    AsyncBench other = new AsyncBench(http, otherUrl);
    other.token = token;
    return other;
  }

  void signUp() throws Exception {
    signUp("async" + Long.toString(System.nanoTime() % 100000));
  }

  void signUp(String user) throws Exception {
    String body = "{\"username\":\"" + user + "\",\"password\":\"bench-password-1\"}";
    expect(send("POST", "/v1/users", body, null), 201);
    Matcher m = TOKEN.matcher(send("POST", "/v1/tokens", body, null).body());
    if (!m.find()) {
      throw new IllegalStateException("no token");
    }
    token = m.group(1);
  }

  HttpResponse<String> send(String method, String path, String body, String prefer)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(90))
            .method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && path.startsWith("/v1/users") || path.startsWith("/v1/tokens")
        || path.equals("/v1/functions")) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (prefer != null) {
      b.header("Prefer", prefer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  void expect(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.statusCode() + " " + r.body());
    }
  }

  /** A context trusting the certificate of each node's data directory. */
  static SSLContext ssl(List<Path> dataDirs) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int node = 0;
    for (Path dataDir : dataDirs) {
      Path p12 = dataDir.resolve("tls").resolve("node.p12");
      if (!Files.exists(p12)) {
        continue;
      }
      char[] password =
          Files.readString(dataDir.resolve("tls").resolve("node.p12.password")).trim()
              .toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(p12)) {
        keys.load(in, password);
      }
      for (String alias : Collections.list(keys.aliases())) {
        Certificate cert = keys.getCertificate(alias);
        if (cert != null) {
          trust.setCertificateEntry(node + "-" + alias, cert);
        }
      }
      node++;
    }
    if (node == 0) {
      return SSLContext.getDefault();
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}

/**
 * Issue 14's drain: {@code n} asynchronous submissions of {@code users} users, spread over the API
 * nodes, then the wait until every one is final, and the records checked: each {@code success}
 * with its own input as the result (none lost), exactly one successful attempt in {@code
 * async.attempts} (none run twice), and never more attempts running at once than the nodes'
 * {@code FAAS_ASYNC_CONCURRENCY} (from the attempts' {@code startedAt}/{@code endedAt}, written
 * by the one dispatcher). Prints submissions/s and completions/s.
 */
final class AsyncDrain {
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z]+)\"");
  private static final Pattern RESULT = Pattern.compile("\"result\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern ATTEMPTS =
      Pattern.compile("\"attempts\"\\s*:\\s*\\[([^\\]]*)\\]");
  private static final Pattern OBJECT = Pattern.compile("\\{[^{}]*\\}");

  private AsyncDrain() {}

  record Submitted(AsyncBench via, String input, int index) {}

  static boolean run(
      HttpClient http, List<String> urls, String image, int n, int callers, int users,
      int concurrency, Path out) throws Exception {
    List<List<AsyncBench>> clients = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      AsyncBench first = new AsyncBench(http, urls.get(0));
      first.signUp("drain" + u + "x" + (System.nanoTime() % 100000));
      first.expect(
          first.send("POST", "/v1/functions",
              "{\"name\":\"echo\",\"image\":\"" + image + "\"}", null), 201);
      List<AsyncBench> through = new ArrayList<>();
      for (String url : urls) {
        AsyncBench c = first.on(url);
        awaitServed(c);
        through.add(c);
      }
      clients.add(through);
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    Map<String, Submitted> ids = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    AsyncBench.runAll(callers, () -> {
      int i;
      while ((i = next.getAndIncrement()) < n) {
        AsyncBench via = clients.get(i % users).get((i / users) % urls.size());
        String input = "d-" + i;
        HttpResponse<String> r;
        while ((r = via.send("POST", "/v1/functions/echo/invoke", input, "respond-async"))
            .statusCode() == 429) {
          refused.incrementAndGet();
          Thread.sleep(50);
        }
        if (r.statusCode() == 202) {
          ids.put(r.headers().firstValue("X-Activation-Id").orElseThrow(),
              new Submitted(via, input, i));
        } else {
          problems.add("submission " + i + ": " + r.statusCode() + " " + r.body());
        }
      }
      return null;
    });
    double submitSeconds = AsyncBench.seconds(start);
    System.out.printf(Locale.ROOT, "async drain: %d accepted in %.2f s (429s resubmitted: %d)%n",
        ids.size(), submitSeconds, refused.get());
    // In submission order, roughly the order they drain in: the progress counts what is done.
    List<Map.Entry<String, Submitted>> all = new ArrayList<>(ids.entrySet());
    all.sort((x, y) -> Integer.compare(x.getValue().index(), y.getValue().index()));
    AtomicInteger cursor = new AtomicInteger();
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger seen = new AtomicInteger();
    Thread progress = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(10_000);
          System.out.printf(Locale.ROOT, "async drain: %.0f s, %d of %d seen final%n",
              AsyncBench.seconds(start), seen.get(), all.size());
        }
      } catch (InterruptedException e) {
        // done
      }
    });
    progress.setDaemon(true);
    progress.start();
    AtomicInteger once = new AtomicInteger();
    List<long[]> edges = Collections.synchronizedList(new ArrayList<>());
    AtomicLong firstQueued = new AtomicLong(Long.MAX_VALUE);
    AtomicLong lastFinished = new AtomicLong(Long.MIN_VALUE);
    AsyncBench.runAll(callers, () -> {
      int i;
      while ((i = cursor.getAndIncrement()) < all.size()) {
        String id = all.get(i).getKey();
        Submitted s = all.get(i).getValue();
        String body = "";
        String status = "queued";
        for (int k = 0; k < 10 && (status.equals("queued") || status.equals("running")); k++) {
          body = s.via().send("GET", "/v1/activations/" + id + "?wait=60", null, null).body();
          Matcher m = STATUS.matcher(body);
          status = m.find() ? m.group(1) : "queued";
        }
        seen.incrementAndGet();
        Matcher result = RESULT.matcher(body);
        if (!status.equals("success")
            || !result.find() || !result.group(1).equals(s.input())) {
          problems.add(id + " (" + s.input() + ") ended " + status + ": " + body);
        } else {
          succeeded.incrementAndGet();
        }
        int successes = 0;
        Matcher attempts = ATTEMPTS.matcher(body);
        if (attempts.find()) {
          Matcher attempt = OBJECT.matcher(attempts.group(1));
          while (attempt.find()) {
            String a = attempt.group();
            successes += a.contains("\"status\":\"success\"") ? 1 : 0;
            Instant started = instant(a, "startedAt");
            Instant ended = instant(a, "endedAt");
            if (started != null && ended != null) {
              edges.add(new long[] {started.toEpochMilli(), 1});
              edges.add(new long[] {ended.toEpochMilli(), -1});
            }
          }
        }
        if (successes == 1) {
          once.incrementAndGet();
        } else {
          problems.add(id + " ran to success " + successes + " times: " + body);
        }
        Instant queued = instant(body, "queuedAt");
        Instant finished = instant(body, "finishedAt");
        if (queued != null) {
          firstQueued.accumulateAndGet(queued.toEpochMilli(), Math::min);
        }
        if (finished != null) {
          lastFinished.accumulateAndGet(finished.toEpochMilli(), Math::max);
        }
      }
      return null;
    });
    double waited = AsyncBench.seconds(start);
    progress.interrupt();
    int overlap = maxOverlap(edges);
    double drainSeconds = (lastFinished.get() - firstQueued.get()) / 1000.0;
    boolean ok = problems.isEmpty() && ids.size() == n && succeeded.get() == n
        && once.get() == n && (concurrency <= 0 || overlap <= concurrency);
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT,
        "async drain: n=%d users=%d api nodes=%d submitters=%d%n"
            + "  submitted: %d accepted in %.2f s = %.1f submissions/s (429s resubmitted: %d)%n"
            + "  final: %d success with their own input, %d run to success exactly once%n"
            + "  first queuedAt to last finishedAt: %.2f s = %.1f completions/s"
            + " (the harness saw the last one %.2f s after its first submission)%n"
            + "  attempts running at once: at most %d (FAAS_ASYNC_CONCURRENCY %s)%n"
            + "  %s%n",
        n, users, urls.size(), callers, ids.size(), submitSeconds, ids.size() / submitSeconds,
        refused.get(), succeeded.get(), once.get(), drainSeconds, n / drainSeconds, waited,
        overlap, concurrency > 0 ? Integer.toString(concurrency) : "not given",
        ok ? "OK: none lost, none run twice, within the limit" : "FAILED"));
    problems.stream().limit(20).forEach(p -> report.append("  problem: ").append(p).append('\n'));
    System.out.print(report);
    if (out != null) {
      Files.createDirectories(out);
      Files.writeString(out.resolve("async-drain-" + Instant.now().toString().replace(':', '-')
          + ".txt"), report);
    }
    return ok;
  }

  /** Until this node serves the user's function (its watches have caught up), and warm. */
  private static void awaitServed(AsyncBench c) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (c.send("POST", "/v1/functions/echo/invoke", "warm", null).statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the function is not served through " + c);
      }
      Thread.sleep(200);
    }
    for (int i = 0; i < 3; i++) {
      c.send("POST", "/v1/functions/echo/invoke", "warm-" + i, null);
    }
  }

  private static Instant instant(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    return m.find() ? Instant.parse(m.group(1)) : null;
  }

  /** The most intervals that hold one instant (an end before a start at the same instant). */
  private static int maxOverlap(List<long[]> edges) {
    List<long[]> sorted = new ArrayList<>(edges);
    sorted.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    int now = 0;
    int max = 0;
    for (long[] e : sorted) {
      now += (int) e[1];
      max = Math.max(max, now);
    }
    return max;
  }
}
