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
      """;

  static Options parse(String[] args) {
    Options o = new Options();
    Integer n = null;
    Integer seconds = null;
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
            case "--warmup" -> o.warmup = nonNegative(a, v);
            case "--pause-ms" -> o.pauseMs = nonNegative(a, v);
            case "--concurrency" -> o.concurrency = positive(a, v);
            case "--throughput-seconds" -> seconds = nonNegative(a, v);
            case "--memory-mb" -> o.memoryMb = positive(a, v);
            case "--out" -> o.out = Path.of(v);
            default -> usage("unknown option " + a);
          }
        }
      }
    }
    if (o.quick) {
      o.n = 10;
      o.throughputSeconds = 10;
    }
    if (n != null) {
      o.n = n;
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
    int code = bench.run();
    System.exit(code);
  }

  int run() throws Exception {
    Instant started = Instant.now();
    Map<String, String> machine = machine();
    loads.put("start", loadAverage());
    log("node " + o.url + ", image " + o.image + ", n=" + o.n + ", concurrency=" + o.concurrency
        + ", throughput " + o.throughputSeconds + " s, load average " + loads.get("start"));

    String user = "bench-" + runId;
    String password = HexFormat.of().formatHex(randomBytes(12));
    expect(send("POST", "/v1/users", json("username", user, "password", password), null), 201, "register the user");
    HttpResponse<byte[]> tokenResponse =
        send("POST", "/v1/tokens", json("username", user, "password", password), null);
    expect(tokenResponse, 200, "get a token");
    token = (String) ((Map<?, ?>) Json.parse(text(tokenResponse.body()))).get("token");
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
      try {
        send("DELETE", "/v1/users/me", null, token); // the user's functions go too
      } catch (Exception e) {
        log("could not delete the user " + user + ": " + e);
      }
    }

    Report report = new Report(started, machine);
    String markdown = report.markdown();
    System.out.println();
    System.out.print(markdown);
    Files.createDirectories(o.out);
    String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC).format(started);
    Path md = o.out.resolve(stamp + ".md");
    Files.writeString(md, markdown);
    Path csv = o.out.resolve(stamp + ".csv");
    Files.writeString(csv, csv());
    System.out.println();
    System.out.println("Written to " + md + " (every call: " + csv.getFileName() + ")");
    return o.strict && !report.allPass ? 3 : 0;
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
    ProcessBuilder pb =
        new ProcessBuilder(o.docker, "run", "--rm", "-i", "--network", "none", o.image);
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
    StringBuilder body = new StringBuilder();
    body.append("{\"name\":").append(Json.quote(name))
        .append(",\"image\":").append(Json.quote(o.image))
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
    expect(send("POST", "/v1/functions", body.toString(), token), 201, "register function " + name);
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

      md.append("## Where the API's time goes (activation records)\n\n");
      rows.clear();
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

      if (!errorExamples.isEmpty()) {
        md.append("\n## Errors (first ").append(errorExamples.size()).append(")\n\n");
        for (String e : errorExamples) {
          md.append("- ").append(e.replace('\n', ' ')).append('\n');
        }
      }
      return md.toString();
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
