// The platform's benchmark harness: one file, no dependencies, run with the JDK's source launcher
// (`java bench/Bench.java --help`). bench/run.sh starts a node and a nats-server for it; see
// bench/README.md for what is measured and how to read the report.

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

public final class Bench {

  // ------------------------------------------------------------------------------------ options

  static final class Options {
    String url = "https://127.0.0.1:8443";
    Path dataDir; // the node's FAAS_DATA_DIR: its certificate is in tls/node.p12
    boolean insecure;
    String docker = "/usr/bin/docker";
    String image = "faas-bench/echo:1";
    int n = 40;
    int warmup = 5;
    int pauseMs = 500;
    int concurrency = 4;
    int throughputSeconds = 60;
    int memoryMb = 64;
    Path out = Path.of("bench", "results");
    boolean strict;
    boolean quick;
    // --images (issue 12): first calls with and without the image on the engine
    boolean images;
    String registryImage; // repository:tag in a registry; never on the engine under that name
    String expectDigest; // what the push gave; the platform must pin the same
    // the thresholds of issues 3 and 4
    double warmTarget = 0.2;
    double coldTarget = 1.2;
    double throughputTarget = 1.0;
  }

  static final String USAGE =
      """
      usage: java bench/Bench.java [options]     (bench/run.sh starts a node and runs this)
        --url URL                 the node's base URL (default https://127.0.0.1:8443)
        --data-dir DIR            the node's FAAS_DATA_DIR: trust DIR/tls/node.p12's certificate
        --insecure                trust any certificate (when the node's keystore is not at hand)
        --n N                     measured calls per series and mode (default 40)
        --warmup N                warm-up rounds before each mode (default 5)
        --pause-ms P              pause before each latency call, so the engine has finished the
                                  previous call's background work (default 500; 0: back to back)
        --concurrency C           threads of the concurrent mode and of throughput (default 4)
        --throughput-seconds D    length of each throughput run (default 60; 0 skips it)
        --quick                   smoke run: n=10, throughput 10 s
        --docker PATH             the docker client of the baseline (default /usr/bin/docker)
        --image REF               the echo image (default faas-bench/echo:1)
        --memory-mb M             memoryMb of the registered functions (default 64)
        --out DIR                 where the Markdown and CSV reports go (default bench/results)
        --strict                  exit 3 when a target is missed or a call failed
        --images                  instead of the above, first calls of functions whose image is
                                  cached or not, and docker pull + docker run (run.sh --images;
                                  n=10, --quick n=3, warm-up 1 round, pause 500 ms)
        --registry-image REF      --images: the image as pushed, registry/repository:tag
        --expect-digest D         --images: the digest the push reported
      """;

  static Options parse(String[] args) {
    Options o = new Options();
    Integer n = null;
    Integer seconds = null;
    Integer warmup = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        v = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--help", "-h" -> {
          System.out.print(USAGE);
          System.exit(0);
        }
        case "--quick" -> o.quick = true;
        case "--insecure" -> o.insecure = true;
        case "--strict" -> o.strict = true;
        case "--images" -> o.images = true;
        default -> {
          if (v == null) {
            if (i + 1 >= args.length) {
              usage("missing value for " + a);
            }
            v = args[++i];
          }
          switch (a) {
            case "--url" -> o.url = v.replaceAll("/+$", "");
            case "--data-dir" -> o.dataDir = Path.of(v);
            case "--docker" -> o.docker = v;
            case "--image" -> o.image = v;
            case "--n" -> n = positive(a, v);
            case "--warmup" -> warmup = nonNegative(a, v);
            case "--pause-ms" -> o.pauseMs = nonNegative(a, v);
            case "--concurrency" -> o.concurrency = positive(a, v);
            case "--throughput-seconds" -> seconds = nonNegative(a, v);
            case "--memory-mb" -> o.memoryMb = positive(a, v);
            case "--out" -> o.out = Path.of(v);
            case "--registry-image" -> o.registryImage = v;
            case "--expect-digest" -> o.expectDigest = v;
            default -> usage("unknown option " + a);
          }
        }
      }
    }
    if (o.quick) {
      o.n = 10;
      o.throughputSeconds = 10;
    }
    if (o.images) {
      // each round pulls twice and registers three functions: fewer, longer rounds
      o.n = o.quick ? 3 : 10;
      o.warmup = 1;
      if (o.registryImage == null) {
        usage("--images needs --registry-image (bench/run.sh --images pushes one)");
      }
    }
    if (n != null) {
      o.n = n;
    }
    if (warmup != null) {
      o.warmup = warmup;
    }
    if (seconds != null) {
      o.throughputSeconds = seconds;
    }
    return o;
  }

  static int positive(String name, String v) {
    int x = nonNegative(name, v);
    if (x == 0) {
      usage(name + " must be at least 1");
    }
    return x;
  }

  static int nonNegative(String name, String v) {
    try {
      int x = Integer.parseInt(v);
      if (x >= 0) {
        return x;
      }
    } catch (NumberFormatException e) {
      // below
    }
    usage(name + " wants a whole number, not " + v);
    return 0;
  }

  static void usage(String problem) {
    System.err.println("bench: " + problem);
    System.err.print(USAGE);
    System.exit(2);
  }

  // ------------------------------------------------------------------------------------ samples

  /** One measured call. */
  record Sample(
      String series, String mode, int thread, int round, double ms, boolean ok, String error,
      String activationId) {}

  /** What the node's activation record says about one call. */
  record Timing(boolean warm, long durationMs, Long queuedMs, Long acquireMs, Long runMs, double e2eMs) {}

  static final String COLD = "api-cold";
  static final String WARM = "api-warm";
  static final String DOCKER = "docker-run";
  static final String SEQ = "seq";

  final Options o;
  final HttpClient http;
  final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  final List<String> errorExamples = Collections.synchronizedList(new ArrayList<>());
  final Map<String, List<Timing>> timings = new LinkedHashMap<>();
  final Map<String, Throughput> throughput = new LinkedHashMap<>();
  final Map<String, String> loads = new LinkedHashMap<>();
  final AtomicInteger coldCounter = new AtomicInteger();
  final AtomicInteger paramCounter = new AtomicInteger();
  final String runId = HexFormat.of().formatHex(randomBytes(4));
  final String warmFunction = "warm";
  String token;

  Bench(Options o) throws Exception {
    this.o = o;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(sslContext(o))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    Bench bench = new Bench(o);
    int code = o.images ? bench.new ImageRounds().run() : bench.run();
    System.exit(code);
  }

  int run() throws Exception {
    Instant started = Instant.now();
    Map<String, String> machine = machine();
    loads.put("start", loadAverage());
    log("node " + o.url + ", image " + o.image + ", n=" + o.n + ", concurrency=" + o.concurrency
        + ", throughput " + o.throughputSeconds + " s, load average " + loads.get("start"));

    String user = login();
    try {
      registerFunction(warmFunction, Map.of());
      checkDockerBaseline();

      String c = "c=" + o.concurrency;
      log("warm-up (" + o.warmup + " rounds), then " + o.n + " sequential rounds of cold, warm, docker run");
      interleaved(SEQ, 1, o.warmup, false);
      interleaved(SEQ, 1, o.n, true);
      loads.put("after sequential", loadAverage());

      int perThread = ceilDiv(o.n, o.concurrency);
      log("warm-up, then " + o.concurrency + " threads x " + perThread + " rounds of cold, warm, docker run");
      interleaved(c, o.concurrency, ceilDiv(o.warmup, o.concurrency), false);
      interleaved(c, o.concurrency, perThread, true);
      loads.put("after " + c, loadAverage());

      fetchTimings(COLD + " " + SEQ, COLD, SEQ, Integer.MAX_VALUE);
      fetchTimings(WARM + " " + SEQ, WARM, SEQ, Integer.MAX_VALUE);
      fetchTimings(COLD + " " + c, COLD, c, Integer.MAX_VALUE);
      fetchTimings(WARM + " " + c, WARM, c, Integer.MAX_VALUE);

      if (o.throughputSeconds > 0) {
        log("throughput: " + o.concurrency + " threads invoking '" + warmFunction + "' for " + o.throughputSeconds + " s");
        throughput.put(WARM, throughputRun(WARM, () -> invoke(warmFunction, param())));
        loads.put("after api throughput", loadAverage());
        Thread.sleep(2000);
        log("throughput: " + o.concurrency + " parallel docker run loops for " + o.throughputSeconds + " s");
        throughput.put(DOCKER, throughputRun(DOCKER, () -> dockerRun(param())));
        loads.put("after docker throughput", loadAverage());
        fetchTimings(WARM + " throughput", WARM, "throughput", 100);
      }
    } finally {
      logout(user);
    }

    Report report = new Report(started, machine);
    write(started, "", report.markdown());
    return o.strict && !report.allPass ? 3 : 0;
  }

  /** Registers a user with a random name and keeps its token; returns the name. */
  String login() throws Exception {
    String user = "bench-" + runId;
    String password = HexFormat.of().formatHex(randomBytes(12));
    expect(send("POST", "/v1/users", json("username", user, "password", password), null), 201, "register the user");
    HttpResponse<byte[]> tokenResponse =
        send("POST", "/v1/tokens", json("username", user, "password", password), null);
    expect(tokenResponse, 200, "get a token");
    token = (String) ((Map<?, ?>) Json.parse(text(tokenResponse.body()))).get("token");
    return user;
  }

  /** Deletes the user, and with it its functions. */
  void logout(String user) {
    try {
      send("DELETE", "/v1/users/me", null, token);
    } catch (Exception e) {
      log("could not delete the user " + user + ": " + e);
    }
  }

  /** Prints the report and writes it, with every call as CSV, to {@code out/<prefix><stamp>}. */
  void write(Instant started, String prefix, String markdown) throws IOException {
    System.out.println();
    System.out.print(markdown);
    Files.createDirectories(o.out);
    String stamp = prefix + DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC).format(started);
    Path md = o.out.resolve(stamp + ".md");
    Files.writeString(md, markdown);
    Path csv = o.out.resolve(stamp + ".csv");
    Files.writeString(csv, csv());
    System.out.println();
    System.out.println("Written to " + md + " (every call: " + csv.getFileName() + ")");
  }

  // ------------------------------------------------------------------------------- measurement

  /**
   * {@code threads} threads, each doing {@code rounds} rounds of one cold call, one warm call and
   * one docker run, in an order that rotates with the round and the thread, so every series takes
   * each position (and each mix of neighbours) equally often and drift in load hits all three.
   */
  void interleaved(String mode, int threads, int rounds, boolean measured) throws InterruptedException {
    String[][] orders = {{COLD, WARM, DOCKER}, {WARM, DOCKER, COLD}, {DOCKER, COLD, WARM}};
    AtomicInteger done = new AtomicInteger();
    int total = threads * rounds;
    List<Thread> workers = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int r = 0; r < rounds; r++) {
                  for (String series : orders[(r + thread) % orders.length]) {
                    if (!pause()) {
                      return;
                    }
                    Call call = call(series);
                    if (measured) {
                      record(series, mode, thread, r, call);
                    }
                  }
                  int d = done.incrementAndGet();
                  if (measured && (d % Math.max(1, total / 4) == 0 || d == total)) {
                    log("  " + mode + ": " + d + "/" + total + " rounds");
                  }
                }
              },
              "bench-" + mode + "-" + t);
      w.start();
      workers.add(w);
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
  }

  /**
   * The pause before a latency call: a call leaves work behind it (the warm path starts a
   * replacement container, a cold function's deletion removes what was pre-started for it, docker
   * run removes its container), and the next call, of whichever series, should not be measured
   * against it. False when interrupted.
   */
  boolean pause() {
    if (o.pauseMs == 0) {
      return true;
    }
    try {
      Thread.sleep(o.pauseMs);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** One call of a series: its end-to-end time and whether it returned its parameter. */
  record Call(double ms, boolean ok, String error, String activationId) {}

  Call call(String series) {
    byte[] param = param();
    return switch (series) {
      case COLD -> coldInvoke(param);
      case WARM -> invoke(warmFunction, param);
      case DOCKER -> dockerRun(param);
      default -> throw new IllegalArgumentException(series);
    };
  }

  /** A function nobody invoked before, registered (untimed), invoked once, deleted (untimed). */
  Call coldInvoke(byte[] param) {
    // A distinct env makes the container's shape new too, so nothing prepared for another
    // function of the same image can serve it.
    String name = "cold-" + coldCounter.incrementAndGet();
    try {
      registerFunction(name, Map.of("BENCH_COLD", runId + "-" + name));
    } catch (Exception e) {
      return new Call(0, false, "register " + name + ": " + e.getMessage(), null);
    }
    Call call = invoke(name, param);
    try {
      send("DELETE", "/v1/functions/" + name, null, token);
    } catch (Exception e) {
      log("could not delete " + name + ": " + e);
    }
    return call;
  }

  Call invoke(String function, byte[] param) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(o.url + "/v1/functions/" + function + "/invoke"))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "text/plain; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(param))
            .build();
    long t0 = System.nanoTime();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      return new Call(ms(t0), false, "invoke " + function + ": " + e, null);
    }
    double ms = ms(t0);
    String id = response.headers().firstValue("X-Activation-Id").orElse(null);
    if (response.statusCode() != 200) {
      return new Call(ms, false, "invoke " + function + ": " + response.statusCode() + " " + abbreviate(text(response.body())), id);
    }
    if (!Arrays.equals(response.body(), param)) {
      return new Call(ms, false, "invoke " + function + ": body differs from the parameter: " + abbreviate(text(response.body())), id);
    }
    return new Call(ms, true, null, id);
  }

  /** The baseline: docker run --rm -i --network none IMAGE, parameter on stdin, start to exit. */
  Call dockerRun(byte[] param) {
    return dockerRun(o.image, param);
  }

  Call dockerRun(String image, byte[] param) {
    ProcessBuilder pb =
        new ProcessBuilder(o.docker, "run", "--rm", "-i", "--network", "none", image);
    long t0 = System.nanoTime();
    try {
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(param);
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Call(ms(t0), false, "docker run: no exit after 120 s", null);
      }
      double ms = ms(t0);
      byte[] err = p.getErrorStream().readAllBytes();
      if (p.exitValue() != 0) {
        return new Call(ms, false, "docker run: exit " + p.exitValue() + " " + abbreviate(text(err)), null);
      }
      if (!Arrays.equals(out, param)) {
        return new Call(ms, false, "docker run: output differs from the input: " + abbreviate(text(out)), null);
      }
      return new Call(ms, true, null, null);
    } catch (IOException e) {
      return new Call(ms(t0), false, "docker run: " + e, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Call(ms(t0), false, "docker run: interrupted", null);
    }
  }

  void record(String series, String mode, int thread, int round, Call call) {
    samples.add(new Sample(series, mode, thread, round, call.ms(), call.ok(), call.error(), call.activationId()));
    if (!call.ok()) {
      log("  error (" + series + " " + mode + "): " + call.error());
      if (errorExamples.size() < 10) {
        errorExamples.add(series + " " + mode + ": " + call.error());
      }
    }
  }

  /** The outcome of a throughput run: completed calls over the time until the last one ended. */
  record Throughput(int ok, int errors, double seconds, double p50) {
    double perSecond() {
      return seconds > 0 ? ok / seconds : 0;
    }
  }

  interface Op {
    Call call();
  }

  Throughput throughputRun(String series, Op op) throws InterruptedException {
    String mode = "throughput";
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(o.throughputSeconds);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < o.concurrency; t++) {
      int thread = t;
      Thread w =
          new Thread(
              () -> {
                int r = 0;
                while (System.nanoTime() < deadline) {
                  Call call = op.call();
                  record(series, mode, thread, r++, call);
                  (call.ok() ? ok : errors).incrementAndGet();
                }
              },
              "bench-throughput-" + t);
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Throughput result =
        new Throughput(ok.get(), errors.get(), seconds, Stats.of(okMs(series, mode)).p50);
    log(String.format(Locale.ROOT, "  %s: %d calls in %.1f s = %.2f calls/s, %d errors",
        series, result.ok, seconds, result.perSecond(), result.errors));
    return result;
  }

  /** Reads the activation records of (a sample of) the successful calls of a series. */
  void fetchTimings(String key, String series, String mode, int max) {
    List<Sample> chosen = new ArrayList<>();
    synchronized (samples) {
      for (Sample s : samples) {
        if (s.series().equals(series) && s.mode().equals(mode) && s.ok() && s.activationId() != null) {
          chosen.add(s);
        }
      }
    }
    if (chosen.size() > max) { // evenly spread over the run
      List<Sample> spread = new ArrayList<>();
      for (int i = 0; i < max; i++) {
        spread.add(chosen.get((int) ((long) i * chosen.size() / max)));
      }
      chosen = spread;
    }
    List<Timing> list = new ArrayList<>();
    for (Sample s : chosen) {
      try {
        Map<?, ?> r = activationRecord(s.activationId());
        if (r == null) {
          continue;
        }
        Map<?, ?> t = r.get("timings") instanceof Map<?, ?> m ? m : Map.of();
        list.add(new Timing(
            Boolean.TRUE.equals(r.get("warm")),
            number(r.get("durationMs")) == null ? 0 : number(r.get("durationMs")),
            number(t.get("queuedMs")), number(t.get("acquireMs")), number(t.get("runMs")),
            s.ms()));
      } catch (Exception e) {
        log("could not read activation " + s.activationId() + ": " + e);
      }
    }
    timings.put(key, list);
  }

  Map<?, ?> activationRecord(String id) throws Exception {
    for (int attempt = 0; attempt < 10; attempt++) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(o.url + "/v1/activations/" + URLEncoder.encode(id, StandardCharsets.UTF_8)))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + token)
              .header("Accept", "application/json")
              .GET()
              .build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 200) {
        return (Map<?, ?>) Json.parse(text(response.body()));
      }
      if (response.statusCode() != 404) {
        throw new IOException(response.statusCode() + " " + abbreviate(text(response.body())));
      }
      Thread.sleep(100); // the record may land just after the response
    }
    log("no activation record for " + id);
    return null;
  }

  // ---------------------------------------------------------------------------------- API calls

  void registerFunction(String name, Map<String, String> env) throws Exception {
    registerFunction(name, o.image, env);
  }

  /** Registers a function; returns the function as the API answered it. */
  Map<?, ?> registerFunction(String name, String image, Map<String, String> env) throws Exception {
    StringBuilder body = new StringBuilder();
    body.append("{\"name\":").append(Json.quote(name))
        .append(",\"image\":").append(Json.quote(image))
        .append(",\"timeoutMs\":30000,\"memoryMb\":").append(o.memoryMb);
    if (!env.isEmpty()) {
      body.append(",\"env\":{");
      String sep = "";
      for (Map.Entry<String, String> e : env.entrySet()) {
        body.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
        sep = ",";
      }
      body.append('}');
    }
    body.append('}');
    HttpResponse<byte[]> response = send("POST", "/v1/functions", body.toString(), token);
    expect(response, 201, "register function " + name);
    return (Map<?, ?>) Json.parse(text(response.body()));
  }

  HttpResponse<byte[]> send(String method, String path, String jsonBody, String bearer) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(o.url + path)).timeout(Duration.ofSeconds(60));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (jsonBody != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static void expect(HttpResponse<byte[]> response, int status, String what) throws IOException {
    if (response.statusCode() != status) {
      throw new IOException(what + ": expected " + status + ", got " + response.statusCode() + " " + abbreviate(text(response.body())));
    }
  }

  void checkDockerBaseline() throws IOException {
    Call c = dockerRun("faas-bench check".getBytes(StandardCharsets.UTF_8));
    if (!c.ok()) {
      throw new IOException("the docker run baseline does not work: " + c.error());
    }
  }

  byte[] param() {
    return ("faas-bench " + runId + " #" + paramCounter.incrementAndGet() + " ✓")
        .getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------- images (issue 12, --images)

  static final String UNCACHED = "uncached";
  static final String CACHED = "cached";
  static final String PULL_RUN = "pull+run";
  static final String PULL_PART = "docker pull";
  static final String RUN_PART = "docker run";
  static final String IMAGES = "images";

  /**
   * Issue 12's "Show it": the first call of a function whose image the worker's engine lacks
   * (uncached), of one whose image it has (cached), and {@code docker pull} + {@code docker run} of
   * the same digest. Every measured call is the first call of a function registered just before
   * it; run.sh --images turns the warm pool off, so both API series are cold starts and their
   * difference is the pull. The node's pull counter proves each uncached call pulled exactly once
   * and each cached one not at all; {@code docker image inspect} proves the image was gone before
   * every uncached call and every baseline pull (run.sh built it with layers of its own, so no
   * other image keeps them).
   */
  final class ImageRounds {
    static final Duration PULL_WAIT = Duration.ofSeconds(120);
    static final Duration REMOVE_WAIT = Duration.ofSeconds(20);
    final AtomicInteger functions = new AtomicInteger();
    String pinned; // repository@digest: what the worker pulls and runs, and what the baseline pulls
    String imageId;
    String imageSize = "?";

    int run() throws Exception {
      Instant started = Instant.now();
      Map<String, String> machine = machine();
      loads.put("start", loadAverage());
      log("node " + o.url + ", image " + o.registryImage + ", n=" + o.n + ", warm-up " + o.warmup
          + " round(s), load average " + loads.get("start"));
      String user = login();
      try {
        pinOnce();
        for (int r = 0; r < o.warmup + o.n; r++) {
          boolean measured = r >= o.warmup;
          // Alternate the order, so drift hits the first and the last step alike; cached needs the
          // image present, which the step before it (an uncached call or a pull) leaves behind.
          List<String> order = r % 2 == 0 ? List.of(UNCACHED, CACHED, PULL_RUN) : List.of(PULL_RUN, CACHED, UNCACHED);
          for (String series : order) {
            if (!pause()) {
              return 130;
            }
            byte[] param = param();
            Call call = switch (series) {
              case UNCACHED -> firstCall(param, false);
              case CACHED -> firstCall(param, true);
              default -> pullAndRun(param, measured, r - o.warmup);
            };
            if (measured) {
              record(series, IMAGES, 0, r - o.warmup, call);
            } else if (!call.ok()) {
              throw new IOException("warm-up " + series + ": " + call.error());
            }
          }
          if (measured) {
            log("  round " + (r - o.warmup + 1) + "/" + o.n + " done");
          }
        }
        loads.put("after the rounds", loadAverage());
        fetchTimings(UNCACHED, UNCACHED, IMAGES, Integer.MAX_VALUE);
        fetchTimings(CACHED, CACHED, IMAGES, Integer.MAX_VALUE);
      } finally {
        logout(user);
      }
      Report report = new Report(started, machine);
      write(started, "images-", report.imagesMarkdown(this));
      return o.strict && !report.allPass ? 3 : 0;
    }

    /**
     * Registers a function (untimed) and times its first call, with the image on the engine
     * (cached) or removed from it after the registration's pre-pull (uncached).
     */
    Call firstCall(byte[] param, boolean cached) {
      String name = (cached ? "cached-" : "uncached-") + functions.incrementAndGet();
      try {
        if (!cached) {
          removeImage(); // so that the registration's pre-pull really pulls, and we can see it end
        }
        long pulledBefore = pulls("succeeded");
        long failedBefore = pulls("failed");
        Map<?, ?> function = registerFunction(name, o.registryImage, Map.of("BENCH_IMAGES", runId + "-" + name));
        pin(function);
        if (!cached) {
          awaitPull(pulledBefore, failedBefore);
          removeImage();
        } else if (!present(pinned)) {
          return new Call(0, false, "cached: " + pinned + " is not on the engine", null);
        }
        long pulls = pulls("started");
        Call call = invoke(name, param);
        long pulled = pulls("started") - pulls;
        if (call.ok() && pulled != (cached ? 0 : 1)) {
          call = new Call(call.ms(), false, name + ": the call started " + pulled + " pull(s), expected "
              + (cached ? 0 : 1), call.activationId());
        }
        return call;
      } catch (Exception e) {
        return new Call(0, false, name + ": " + e.getMessage(), null);
      } finally {
        try {
          send("DELETE", "/v1/functions/" + name, null, token);
        } catch (Exception e) {
          log("could not delete " + name + ": " + e);
        }
      }
    }

    /**
     * The baseline: the image removed, then docker pull of the digest and docker run of it, timed
     * from the pull's start to the run's exit; the two parts are kept too when measured.
     */
    Call pullAndRun(byte[] param, boolean measured, int round) {
      try {
        removeImage();
        long pulls = pulls("started");
        long t0 = System.nanoTime();
        Exec pull = exec(List.of(o.docker, "pull", pinned), PULL_WAIT);
        double pullMs = ms(t0);
        if (pull.code() != 0) {
          return new Call(pullMs, false, "docker pull: exit " + pull.code() + " " + abbreviate(pull.err()), null);
        }
        if (!pull.out().contains("Downloaded newer image")) { // "Image is up to date": nothing pulled
          return new Call(pullMs, false, "docker pull did not download: " + abbreviate(pull.out()), null);
        }
        long t1 = System.nanoTime();
        Call run = dockerRun(pinned, param);
        double runMs = ms(t1);
        double total = ms(t0);
        if (pulls("started") != pulls) { // a late pre-pull would have shared the pull's work
          return new Call(total, false, "the node pulled during the baseline", null);
        }
        if (measured && run.ok()) {
          samples.add(new Sample(PULL_PART, IMAGES, 0, round, pullMs, true, null, null));
          samples.add(new Sample(RUN_PART, IMAGES, 0, round, runMs, true, null, null));
        }
        return new Call(total, run.ok(), run.error(), null);
      } catch (Exception e) {
        return new Call(0, false, "pull+run: " + e.getMessage(), null);
      }
    }

    /**
     * Learns the digest the platform pins (and the image's id and size) from one function,
     * registered, left to finish its pre-pull, and deleted; run.sh left the engine without the
     * image, so that pre-pull does pull.
     */
    void pinOnce() throws Exception {
      String name = "pin-" + functions.incrementAndGet();
      long pulledBefore = pulls("succeeded");
      long failedBefore = pulls("failed");
      try {
        pin(registerFunction(name, o.registryImage, Map.of()));
        log("pinned " + pinned + "; waiting for its pre-pull");
        awaitPull(pulledBefore, failedBefore);
      } finally {
        send("DELETE", "/v1/functions/" + name, null, token);
      }
    }

    /** Takes the digest the platform pinned: the same every time, and the one the push reported. */
    void pin(Map<?, ?> function) throws IOException {
      Object digest = function.get("imageDigest");
      if (!(digest instanceof String d) || !d.startsWith("sha256:")) {
        throw new IOException("the function carries no imageDigest: " + abbreviate(function.toString()));
      }
      if (o.expectDigest != null && !o.expectDigest.equals(d)) {
        throw new IOException("pinned " + d + ", but the push reported " + o.expectDigest);
      }
      String ref = repository(o.registryImage) + "@" + d;
      if (pinned != null && !pinned.equals(ref)) {
        throw new IOException("pinned " + ref + " after " + pinned);
      }
      pinned = ref;
    }

    /** registry/repository:tag → registry/repository (a port's colon comes before the last slash). */
    static String repository(String reference) {
      String r = reference.contains("@") ? reference.substring(0, reference.indexOf('@')) : reference;
      int colon = r.lastIndexOf(':');
      return colon > r.lastIndexOf('/') ? r.substring(0, colon) : r;
    }

    /** Waits until the registration's pre-pull has pulled the image (the node's counter and the engine agree). */
    void awaitPull(long pulledBefore, long failedBefore) throws Exception {
      long deadline = System.nanoTime() + PULL_WAIT.toNanos();
      while (pulls("succeeded") <= pulledBefore || !present(pinned)) {
        if (pulls("failed") > failedBefore) {
          throw new IOException("the pre-pull of " + pinned + " failed (see node.log)");
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("the pre-pull of " + pinned + " did not end within " + PULL_WAIT);
        }
        Thread.sleep(50);
      }
      if (imageId == null) {
        imageId = exec(List.of(o.docker, "image", "inspect", "--format", "{{.Id}}", pinned), REMOVE_WAIT).out().trim();
        String bytes = exec(List.of(o.docker, "image", "inspect", "--format", "{{.Size}}", pinned), REMOVE_WAIT).out().trim();
        imageSize = bytes.matches("\\d+") ? String.format(Locale.ROOT, "%.1f MB", Long.parseLong(bytes) / 1e6) : "?";
      }
    }

    /**
     * Removes the image from the engine and checks it is gone, under its digest and its id. Never
     * forced: a forced removal of an image a container still uses only untags it and keeps its
     * layers, and the next "uncached" call would pull nothing; a container the node is still
     * removing is waited for instead.
     */
    void removeImage() throws Exception {
      long deadline = System.nanoTime() + REMOVE_WAIT.toNanos();
      List<String> names = new ArrayList<>(List.of(pinned));
      if (imageId != null && !imageId.isEmpty()) {
        names.add(imageId);
      }
      while (true) {
        boolean gone = true;
        String why = "";
        for (String name : names) {
          if (present(name)) {
            Exec rm = exec(List.of(o.docker, "image", "rm", name), REMOVE_WAIT);
            gone &= !present(name);
            why = rm.err();
          }
        }
        if (gone) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("could not remove " + pinned + " within " + REMOVE_WAIT + ": " + abbreviate(why));
        }
        Thread.sleep(100);
      }
    }

    boolean present(String image) throws Exception {
      return exec(List.of(o.docker, "image", "inspect", "--format", "{{.Id}}", image), REMOVE_WAIT).code() == 0;
    }

    /** The node's counter {@code faas_engine_pulls_<outcome>_total}, summed over its labels. */
    long pulls(String outcome) throws Exception {
      HttpResponse<byte[]> response = send("GET", "/metrics", null, null);
      expect(response, 200, "GET /metrics");
      String name = "faas_engine_pulls_" + outcome + "_total";
      double sum = 0;
      boolean seen = false;
      for (String line : text(response.body()).split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          seen = true;
        }
      }
      if (!seen) {
        throw new IOException("no " + name + " in /metrics");
      }
      return (long) sum;
    }
  }

  record Exec(int code, String out, String err) {}

  /** Runs a command to its end or its deadline (then it is killed); stdin closed. */
  static Exec exec(List<String> command, Duration deadline) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": no exit within " + deadline);
    }
    return new Exec(p.exitValue(), text(out.join()), text(err.join()));
  }

  static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return in.readAllBytes();
      } catch (IOException e) {
        return new byte[0];
      }
    });
  }

  // ------------------------------------------------------------------------------------ TLS

  static SSLContext sslContext(Options o) throws Exception {
    if (!o.url.startsWith("https:")) {
      return SSLContext.getDefault();
    }
    Path p12 = o.dataDir == null ? null : o.dataDir.resolve("tls").resolve("node.p12");
    Path pw = o.dataDir == null ? null : o.dataDir.resolve("tls").resolve("node.p12.password");
    if (!o.insecure && p12 != null && Files.exists(p12) && Files.exists(pw)) {
      char[] password = Files.readString(pw, StandardCharsets.UTF_8).trim().toCharArray();
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
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    }
    if (!o.insecure) {
      if (o.dataDir == null) {
        return SSLContext.getDefault(); // a node with a certificate the JDK already trusts
      }
      throw new IOException("no certificate at " + p12 + " (give --insecure to trust any)");
    }
    log("trusting any certificate (--insecure)");
    System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    TrustManager[] all = {
      new X509TrustManager() {
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, all, new SecureRandom());
    return context;
  }

  // --------------------------------------------------------------------------------- the report

  static final class Stats {
    final int n;
    final double p50, p90, p99, mean;

    Stats(int n, double p50, double p90, double p99, double mean) {
      this.n = n;
      this.p50 = p50;
      this.p90 = p90;
      this.p99 = p99;
      this.mean = mean;
    }

    static Stats of(List<Double> values) {
      if (values.isEmpty()) {
        return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return new Stats(v.length, rank(v, 50), rank(v, 90), rank(v, 99),
          Arrays.stream(v).average().orElse(Double.NaN));
    }

    /** Nearest-rank percentile. */
    static double rank(double[] sorted, double p) {
      int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
  }

  List<Double> okMs(String series, String mode) {
    List<Double> out = new ArrayList<>();
    synchronized (samples) {
      for (Sample s : samples) {
        if (s.series().equals(series) && s.mode().equals(mode) && s.ok()) {
          out.add(s.ms());
        }
      }
    }
    return out;
  }

  int errors(String series, String mode) {
    int e = 0;
    synchronized (samples) {
      for (Sample s : samples) {
        if (s.series().equals(series) && s.mode().equals(mode) && !s.ok()) {
          e++;
        }
      }
    }
    return e;
  }

  final class Report {
    final Instant started;
    final Map<String, String> machine;
    boolean allPass = true;

    Report(Instant started, Map<String, String> machine) {
      this.started = started;
      this.machine = machine;
    }

    String markdown() {
      String c = "c=" + o.concurrency;
      StringBuilder md = new StringBuilder();
      md.append("# faas benchmark, ").append(DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))).append("\n\n");
      md.append("Echo function (`").append(o.image).append("`, busybox `cat`) through the HTTPS API of one node ")
          .append("(roles api,worker) against `docker run --rm -i --network none` of the same image; ")
          .append("latency series interleaved in one run. Times in milliseconds, end to end as the client sees them.\n\n");

      md.append("## Machine\n\n");
      List<String[]> rows = new ArrayList<>();
      machine.forEach((k, v) -> rows.add(new String[] {k, v}));
      loads.forEach((k, v) -> rows.add(new String[] {"load average (" + k + ")", v}));
      rows.add(new String[] {"settings", "n=" + o.n + " per series and mode, warm-up " + o.warmup
          + " rounds, " + o.pauseMs + " ms pause before each latency call, concurrency " + o.concurrency + ", throughput " + o.throughputSeconds + " s each"
          + (o.quick ? " (--quick)" : "")});
      md.append(table(new String[] {"", ""}, rows, "ll")).append('\n');

      md.append("## Latency\n\n");
      rows.clear();
      Map<String, Stats> stats = new LinkedHashMap<>();
      for (String mode : List.of(SEQ, c)) {
        for (String series : List.of(COLD, WARM, DOCKER)) {
          Stats s = Stats.of(okMs(series, mode));
          stats.put(series + " " + mode, s);
          rows.add(new String[] {series, mode, f(s.p50), f(s.p90), f(s.p99), f(s.mean), "" + s.n,
              "" + errors(series, mode)});
        }
      }
      md.append(table(new String[] {"series", "mode", "p50", "p90", "p99", "mean", "n", "errors"}, rows, "llrrrrrr"));
      md.append("\n`seq`: one call at a time; `").append(c).append("`: ").append(o.concurrency)
          .append(" threads, each interleaving the three series. api-cold registers a new function ")
          .append("(untimed) before each call; api-warm calls one function over and over.\n\n");

      if (!throughput.isEmpty()) {
        md.append("## Throughput\n\n");
        rows.clear();
        throughput.forEach((series, t) -> rows.add(new String[] {series, String.format(Locale.ROOT, "%.2f", t.perSecond()),
            "" + t.ok, "" + t.errors, f(t.p50), String.format(Locale.ROOT, "%.1f", t.seconds)}));
        md.append(table(new String[] {"series", "calls/s", "calls", "errors", "p50", "seconds"}, rows, "lrrrrr"));
        md.append("\n").append(o.concurrency).append(" threads back to back for ").append(o.throughputSeconds)
            .append(" s each: first the API (warm function), then `docker run` loops.\n\n");
      }

      md.append("## Targets\n\n");
      rows.clear();
      for (String mode : List.of(SEQ, c)) {
        ratio(rows, "api-warm / docker-run p50, " + mode, stats.get(WARM + " " + mode).p50,
            stats.get(DOCKER + " " + mode).p50, o.warmTarget, true);
      }
      for (String mode : List.of(SEQ, c)) {
        ratio(rows, "api-cold / docker-run p50, " + mode, stats.get(COLD + " " + mode).p50,
            stats.get(DOCKER + " " + mode).p50, o.coldTarget, true);
      }
      if (!throughput.isEmpty()) {
        ratio(rows, "throughput api-warm / docker-run, " + c + ", " + o.throughputSeconds + " s",
            throughput.get(WARM).perSecond(), throughput.get(DOCKER).perSecond(), o.throughputTarget, false);
      }
      int errors;
      synchronized (samples) {
        errors = (int) samples.stream().filter(s -> !s.ok()).count();
      }
      boolean noErrors = errors == 0;
      allPass &= noErrors;
      rows.add(new String[] {"failed calls (all series)", "" + errors, "= 0", noErrors ? "PASS" : "FAIL"});
      md.append(table(new String[] {"ratio", "value", "target", "result"}, rows, "lrll"));
      md.append('\n');

      timingsTable(md);

      errorList(md);
      return md.toString();
    }

    /** The report of --images (issue 12). */
    String imagesMarkdown(ImageRounds rounds) {
      StringBuilder md = new StringBuilder();
      md.append("# faas benchmark: images from a registry, ")
          .append(DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))).append("\n\n");
      md.append("The first call of a function registered just before it, through the HTTPS API of one node ")
          .append("(roles api,worker, warm pool off), with its image removed from the engine (`uncached`: the ")
          .append("worker pulls it from a loopback registry) or present (`cached`), against `docker pull` of the ")
          .append("same digest + `docker run --rm -i --network none` of it (`pull+run`, with its two parts). ")
          .append("Times in milliseconds, end to end as the client sees them.\n\n");
      md.append("## Machine\n\n");
      List<String[]> rows = new ArrayList<>();
      machine.forEach((k, v) -> rows.add(new String[] {k, v}));
      loads.forEach((k, v) -> rows.add(new String[] {"load average (" + k + ")", v}));
      rows.add(new String[] {"image", o.registryImage + ", pinned " + rounds.pinned + ", " + rounds.imageSize});
      rows.add(new String[] {"settings", "n=" + o.n + " rounds, warm-up " + o.warmup + " round(s), "
          + o.pauseMs + " ms pause before each step" + (o.quick ? " (--quick)" : "")});
      md.append(table(new String[] {"", ""}, rows, "ll")).append('\n');

      md.append("## First calls\n\n");
      rows.clear();
      Map<String, Stats> stats = new LinkedHashMap<>();
      for (String series : List.of(UNCACHED, CACHED, PULL_RUN, PULL_PART, RUN_PART)) {
        Stats s = Stats.of(okMs(series, IMAGES));
        stats.put(series, s);
        rows.add(new String[] {series.startsWith("docker") ? "  " + series : series, f(s.p50), f(s.p90),
            f(s.p99), f(s.mean), "" + s.n, "" + errors(series, IMAGES)});
      }
      md.append(table(new String[] {"series", "p50", "p90", "p99", "mean", "n", "errors"}, rows, "lrrrrrr"));
      md.append("\nEach round: one call of each series, in the order uncached, cached, pull+run or its ")
          .append("reverse, alternating; `docker pull` and `docker run` are the parts of pull+run.\n\n");

      md.append("## Ratios\n\n");
      rows.clear();
      Stats u = stats.get(UNCACHED);
      Stats c = stats.get(CACHED);
      Stats b = stats.get(PULL_RUN);
      rows.add(new String[] {"uncached / cached", ratio(u.p50, c.p50), ratio(u.p90, c.p90)});
      rows.add(new String[] {"uncached / (pull+run)", ratio(u.p50, b.p50), ratio(u.p90, b.p90)});
      rows.add(new String[] {"uncached − cached (ms): the pull's cost to a first call", f(u.p50 - c.p50), f(u.p90 - c.p90)});
      md.append(table(new String[] {"", "p50", "p90"}, rows, "lrr"));
      int errors;
      synchronized (samples) {
        errors = (int) samples.stream().filter(s -> !s.ok()).count();
      }
      allPass &= errors == 0;
      md.append("\nFailed steps: ").append(errors).append(".\n\n");
      timingsTable(md);
      errorList(md);
      return md.toString();
    }

    String ratio(double a, double b) {
      return Double.isNaN(a / b) ? "–" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    /** Means of the activation records' timings per series read (fetchTimings). */
    void timingsTable(StringBuilder md) {
      md.append("## Where the API's time goes (activation records)\n\n");
      List<String[]> rows = new ArrayList<>();
      for (Map.Entry<String, List<Timing>> e : timings.entrySet()) {
        List<Timing> list = e.getValue();
        long warm = list.stream().filter(Timing::warm).count();
        rows.add(new String[] {e.getKey(), "" + list.size(), warm + " / " + (list.size() - warm),
            f(meanOf(list, t -> t.queuedMs() == null ? Double.NaN : t.queuedMs())),
            f(meanOf(list, t -> t.acquireMs() == null ? Double.NaN : t.acquireMs())),
            f(meanOf(list, t -> t.runMs() == null ? Double.NaN : t.runMs())),
            f(meanOf(list, t -> (double) t.durationMs())),
            f(meanOf(list, Timing::e2eMs)),
            f(meanOf(list, t -> t.e2eMs() - t.durationMs()))});
      }
      md.append(table(new String[] {"calls", "records", "warm / cold", "queuedMs", "acquireMs", "runMs",
          "durationMs", "end to end", "outside the record"}, rows, "lrrrrrrrr"));
      md.append("\nMeans. `queuedMs`: admission until a worker took it; `acquireMs`: getting a container ")
          .append("(started, or taken from a pool); `runMs`: parameter written until end of output; ")
          .append("`durationMs`: admission to end of container; `outside the record` = end to end − durationMs ")
          .append("(TLS, HTTP, authentication, lookup, the result's way back).\n");
    }

    void errorList(StringBuilder md) {
      if (!errorExamples.isEmpty()) {
        md.append("\n## Errors (first ").append(errorExamples.size()).append(")\n\n");
        for (String e : errorExamples) {
          md.append("- ").append(e.replace('\n', ' ')).append('\n');
        }
      }
    }

    void ratio(List<String[]> rows, String name, double a, double b, double target, boolean atMost) {
      double r = a / b;
      boolean pass = !Double.isNaN(r) && (atMost ? r <= target : r >= target);
      allPass &= pass;
      rows.add(new String[] {name, String.format(Locale.ROOT, "%.2f", r),
          (atMost ? "≤ " : "≥ ") + String.format(Locale.ROOT, "%.2f", target), pass ? "PASS" : "FAIL"});
    }
  }

  interface ToDouble {
    double of(Timing t);
  }

  static double meanOf(List<Timing> list, ToDouble f) {
    return list.stream().mapToDouble(f::of).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
  }

  /** A Markdown table with padded columns, readable as plain text too; align: l or r per column. */
  static String table(String[] head, List<String[]> rows, String align) {
    int[] w = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      w[i] = Math.max(3, head[i].length());
    }
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    IntFunction<String> sep = i -> align.charAt(i) == 'r' ? "-".repeat(w[i] - 1) + ":" : "-".repeat(w[i]);
    line(sb, head, w, align);
    sb.append('|');
    for (int i = 0; i < w.length; i++) {
      sb.append(' ').append(sep.apply(i)).append(" |");
    }
    sb.append('\n');
    for (String[] r : rows) {
      line(sb, r, w, align);
    }
    return sb.toString();
  }

  static void line(StringBuilder sb, String[] cells, int[] w, String align) {
    sb.append('|');
    for (int i = 0; i < w.length; i++) {
      String cell = i < cells.length ? cells[i] : "";
      String pad = " ".repeat(w[i] - cell.length());
      sb.append(' ').append(align.charAt(i) == 'r' ? pad + cell : cell + pad).append(" |");
    }
    sb.append('\n');
  }

  static String f(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
  }

  String csv() {
    StringBuilder sb = new StringBuilder("series,mode,thread,round,ms,ok,activation_id,error\n");
    synchronized (samples) {
      for (Sample s : samples) {
        sb.append(s.series()).append(',').append(s.mode()).append(',').append(s.thread()).append(',')
            .append(s.round()).append(',').append(String.format(Locale.ROOT, "%.3f", s.ms())).append(',')
            .append(s.ok()).append(',').append(s.activationId() == null ? "" : s.activationId()).append(',')
            .append(s.error() == null ? "" : '"' + s.error().replace("\"", "\"\"").replace('\n', ' ') + '"')
            .append('\n');
      }
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------------------------ machine

  Map<String, String> machine() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("date", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(java.time.ZonedDateTime.now().withNano(0)));
    m.put("cpus (nproc)", "" + Runtime.getRuntime().availableProcessors());
    m.put("cpu model", cpuModel());
    m.put("memory", memory());
    m.put("kernel", read("/proc/sys/kernel/osrelease").orElse(System.getProperty("os.version")));
    m.put("os", osName());
    m.put("docker", "server " + command(o.docker, "version", "--format", "{{.Server.Version}}")
        + ", client " + command(o.docker, "version", "--format", "{{.Client.Version}}"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    String commit = command("git", "rev-parse", "--short", "HEAD");
    String dirty = command("git", "status", "--porcelain", "--untracked-files=no");
    m.put("commit", commit + (dirty.isEmpty() || dirty.startsWith("(") ? "" : " (with uncommitted changes)"));
    String slots = System.getenv("FAAS_WORKER_SLOTS");
    String max = System.getenv("FAAS_MAX_CONCURRENT");
    if (slots != null || max != null) {
      m.put("node", "1 node, roles api,worker, FAAS_WORKER_SLOTS=" + slots + ", FAAS_MAX_CONCURRENT=" + max);
    }
    return m;
  }

  static String cpuModel() {
    return read("/proc/cpuinfo")
        .flatMap(s -> s.lines().filter(l -> l.startsWith("model name")).findFirst())
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .orElse(System.getProperty("os.arch"));
  }

  static String memory() {
    return read("/proc/meminfo")
        .flatMap(s -> s.lines().filter(l -> l.startsWith("MemTotal:")).findFirst())
        .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0))
        .orElse("?");
  }

  static String osName() {
    return read("/etc/os-release")
        .flatMap(s -> s.lines().filter(l -> l.startsWith("PRETTY_NAME=")).findFirst())
        .map(l -> l.substring(l.indexOf('=') + 1).replace("\"", ""))
        .orElse(System.getProperty("os.name"));
  }

  static String loadAverage() {
    return read("/proc/loadavg").map(s -> String.join(" ", Arrays.copyOf(s.trim().split("\\s+"), 3))).orElse("?");
  }

  static Optional<String> read(String file) {
    try {
      return Optional.of(Files.readString(Path.of(file)).trim());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static String command(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "(unknown)";
    } catch (Exception e) {
      return "(unknown)";
    }
  }

  // -------------------------------------------------------------------------------------- small

  static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static String abbreviate(String s) {
    s = s.replace('\n', ' ');
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  static Long number(Object o) {
    return o instanceof Number n ? n.longValue() : null;
  }

  static String json(String... kv) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < kv.length; i += 2) {
      sb.append(i == 0 ? "" : ",").append(Json.quote(kv[i])).append(':').append(Json.quote(kv[i + 1]));
    }
    return sb.append('}').toString();
  }

  static final Object LOG_LOCK = new Object();

  static void log(String line) {
    synchronized (LOG_LOCK) {
      System.err.println("[bench " + DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now()) + "] " + line);
    }
  }

  /** Just enough JSON: objects to LinkedHashMap, arrays to List, numbers to Long or Double. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String text) {
      Json p = new Json(text);
      Object v = p.value();
      p.ws();
      if (p.i != p.s.length()) {
        throw p.error("trailing characters");
      }
      return v;
    }

    static String quote(String v) {
      StringBuilder sb = new StringBuilder("\"");
      for (char ch : v.toCharArray()) {
        switch (ch) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (ch < 0x20) {
              sb.append(String.format("\\u%04x", (int) ch));
            } else {
              sb.append(ch);
            }
          }
        }
      }
      return sb.append('"').toString();
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("JSON: " + what + " at " + i);
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private Object value() {
      ws();
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char ch = s.charAt(i);
      switch (ch) {
        case '{' -> {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (s.charAt(i) == '}') {
            i++;
            return m;
          }
          while (true) {
            ws();
            String key = string();
            ws();
            expect(':');
            m.put(key, value());
            ws();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect('}');
              return m;
            }
          }
        }
        case '[' -> {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (s.charAt(i) == ']') {
            i++;
            return l;
          }
          while (true) {
            l.add(value());
            ws();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect(']');
              return l;
            }
          }
        }
        case '"' -> {
          return string();
        }
        default -> {
          if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          int start = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          String num = s.substring(start, i);
          if (num.isEmpty()) {
            throw error("unexpected character");
          }
          return num.matches("-?\\d+") ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
        }
      }
    }

    private void expect(char ch) {
      if (i >= s.length() || s.charAt(i) != ch) {
        throw error("expected " + ch);
      }
      i++;
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw error("unterminated string");
        }
        char ch = s.charAt(i++);
        if (ch == '"') {
          return sb.toString();
        }
        if (ch != '\\') {
          sb.append(ch);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> sb.append(e);
        }
      }
    }
  }
}
