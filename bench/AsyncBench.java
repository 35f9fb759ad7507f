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
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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
    String url = null;
    Path dataDir = null;
    String image = null;
    int n = 200;
    int callers = 16;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = args[++i];
        case "--data-dir" -> dataDir = Path.of(args[++i]);
        case "--image" -> image = args[++i];
        case "--n" -> n = Integer.parseInt(args[++i]);
        case "--callers" -> callers = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--quick" -> n = 60;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(ssl(dataDir))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
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

  private static void runAll(int threads, Task task) throws Exception {
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

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  void signUp() throws Exception {
    String user = "async" + Long.toString(System.nanoTime() % 100000);
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

  static SSLContext ssl(Path dataDir) throws Exception {
    Path p12 = dataDir == null ? null : dataDir.resolve("tls").resolve("node.p12");
    if (p12 == null || !Files.exists(p12)) {
      return SSLContext.getDefault();
    }
    char[] password =
        Files.readString(dataDir.resolve("tls").resolve("node.p12.password")).trim()
            .toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      keys.load(in, password);
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (String alias : Collections.list(keys.aliases())) {
      Certificate cert = keys.getCertificate(alias);
      if (cert != null) {
        trust.setCertificateEntry(alias, cert);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
