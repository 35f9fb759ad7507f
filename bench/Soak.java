// The platform's soak harness: one file, no dependencies, run with the JDK's source launcher
// (`java bench/Soak.java --help`). bench/soak.sh starts a node and a nats-server for it, builds
// the function images, and hands it the node's process id; see bench/README.md, "Soak".

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public final class Soak {

  static final String USAGE =
      """
      usage: java bench/Soak.java --node-pid PID [options]   (bench/soak.sh starts a node and runs this)
        --url URL              the node's base URL (default https://127.0.0.1:8443)
        --data-dir DIR         the node's FAAS_DATA_DIR: trust DIR/tls/node.p12's certificate
        --node-pid PID         the node's process: sampled, then stopped with TERM at the end
        --platform P           the node's FAAS_PLATFORM: its containers are checked (default faas-soak)
        --images PREFIX        the function images are PREFIX/{echo,fail,timeout,flood,logs}:1 (default faas-soak)
        --minutes M            length of the run, warm-up included (default 10)
        --warmup-seconds S     not counted in growth or latency figures (default 60)
        --callers N            concurrent callers (default 4)
        --burst N              calls fired at once by a burst (default 10: past a limit of 6)
        --think-ms T           each caller pauses 0..T ms between steps (default 100)
        --sample-seconds S     RSS and threads sampled this often (default 30)
        --docker PATH          the docker client (default /usr/bin/docker)
        --jar FILE             the node's jar, for the report
        --out DIR              where the summary and every call go (default bench/results)
      """;

  // Each step of a caller is one of these kinds, chosen with these weights (per cent).
  static final String[] KINDS = {"echo", "logs", "fail", "timeout", "flood", "churn", "update", "burst"};
  static final int[] WEIGHTS = {55, 6, 8, 5, 5, 10, 7, 4};
  // Growth allowed between the warm-up's end and the run's end, both sampled after a full GC (README).
  static final double RSS_TOLERANCE = 0.10;
  static final long RSS_SLACK_KB = 16 * 1024;
  static final double THREAD_TOLERANCE = 0.10;
  static final int THREAD_SLACK = 5;
  static final double ECHO_P99_TARGET_MS = 1000;
  static final Pattern EXIT_CODE = Pattern.compile("\"exitCode\"\\s*:\\s*(-?\\d+)");
  static final Pattern ACTIVATION_ID = Pattern.compile("\"activationId\"\\s*:\\s*\"([^\"]+)\"");

  String url = "https://127.0.0.1:8443";
  Path dataDir;
  long nodePid;
  String platform = "faas-soak";
  String images = "faas-soak";
  double minutes = 10;
  int warmupSeconds = 60;
  int callers = 4;
  int burst = 10;
  int thinkMs = 100;
  int sampleSeconds = 30;
  String docker = "/usr/bin/docker";
  String jar = "(jar not given)";
  Path out = Path.of("bench", "results");

  /** One HTTP call, classified: as its kind expects, a 429 the limit explains, or unexpected. */
  record Call(String kind, long atMs, double ms, int status, String outcome, String activationId, String detail) {}

  /** The node's resident memory and threads at one moment; heap after a full GC when one was run. */
  record Sample(String label, long atMs, long rssKb, int threads, long heapKb, String load) {}

  /** What a response must be for its kind: null when it is, else what was expected. */
  interface Expect {
    String miss(HttpResponse<byte[]> r);
  }

  final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  final String runId = randomHex(4);
  final AtomicInteger churnCounter = new AtomicInteger();
  final AtomicInteger burstsInFlight = new AtomicInteger();
  volatile long lastBurstEnd = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
  long t0;
  HttpClient http;
  String token;

  public static void main(String[] args) throws Exception {
    Soak soak = new Soak();
    soak.parse(args);
    System.exit(soak.run());
  }

  int run() throws Exception {
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(sslContext())
        .connectTimeout(Duration.ofSeconds(5)).build();
    Instant started = Instant.now();
    t0 = System.nanoTime();
    long runMs = (long) (minutes * 60_000);
    long warmupMs = Math.min(warmupSeconds * 1000L, runMs / 2);
    log(String.format(Locale.ROOT, "%.1f min, warm-up %d s, %d callers, bursts of %d, node pid %d",
        minutes, warmupMs / 1000, callers, burst, nodePid));
    setUp();
    samples.add(sample("begin", false));

    Thread sampler = new Thread(() -> sampleUntil(warmupMs, runMs), "sampler");
    sampler.setDaemon(true);
    sampler.start();
    List<Thread> threads = new ArrayList<>();
    for (int i = 1; i <= callers; i++) {
      int caller = i;
      Thread t = new Thread(() -> callUntil(caller, runMs), "caller-" + i);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    sampler.join(); // it ends after its last sample

    List<String> slowest = slowestEcho(warmupMs, 5); // before the teardown: the records go with the user
    call("teardown", request("/v1/users/me").DELETE().build(), false, status(204)); // functions go too
    List<String> whileRunning = waitForNoContainers(20);
    List<String> stuckWhileRunning = stuck(whileRunning);
    double stopSeconds = stopNode(60);
    List<String> left = waitForNoContainers(30);
    List<String> stuckAfterStop = stuck(left);

    Report report = new Report(warmupMs, slowest, whileRunning, stuckWhileRunning, stopSeconds, left, stuckAfterStop);
    String summary = report.text();
    System.out.println();
    System.out.print(summary);
    Files.createDirectories(out);
    String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC).format(started);
    Path txt = out.resolve("soak-" + stamp + ".txt");
    Files.writeString(txt, summary + "\nEvery unexpected call:\n" + unexpectedLines(Integer.MAX_VALUE));
    Path csv = out.resolve("soak-" + stamp + ".csv");
    Files.writeString(csv, csv());
    System.out.println("Written to " + txt + " (every call: " + csv.getFileName() + ")");
    return report.pass ? 0 : 3;
  }

  // -------------------------------------------------------------------------------------- traffic

  void setUp() throws Exception {
    String user = "soak-" + runId;
    String password = randomHex(12);
    String credentials = "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
    expectSetUp(send(request("/v1/users").POST(json(credentials)).build()), 201, "register the user");
    HttpResponse<byte[]> t = send(request("/v1/tokens").POST(json(credentials)).build());
    expectSetUp(t, 200, "get a token");
    Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(text(t.body()));
    token = m.find() ? m.group(1) : null;
    for (String f : List.of("echo", "logs", "fail", "flood")) {
      expectSetUp(send(create(f, f, 10_000, "")), 201, "create " + f);
    }
    expectSetUp(send(create("timeout", "timeout", 1000, "")), 201, "create timeout");
    for (int i = 1; i <= callers; i++) {
      expectSetUp(send(create("upd-" + i, "echo", 10_000, "")), 201, "create upd-" + i);
    }
  }

  void callUntil(int caller, long runMs) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    String[] etag = {null}; // of this caller's own upd-N: no other caller updates it, so no 412
    while (elapsedMs() < runMs) {
      int pick = rnd.nextInt(100);
      int k = 0;
      while (pick >= WEIGHTS[k]) {
        pick -= WEIGHTS[k++];
      }
      String kind = KINDS[k];
      byte[] p = payload(rnd);
      switch (kind) {
        case "echo", "logs" -> invoke(kind, kind, p, body(p));
        case "fail" -> invoke(kind, kind, p, exitCode3());
        case "timeout" -> invoke(kind, kind, p, status(504));
        case "flood" -> invoke(kind, kind, p, tooLarge());
        case "churn" -> churn(caller, rnd, p);
        case "update" -> update(caller, etag, rnd, p);
        case "burst" -> burst();
        default -> throw new IllegalStateException(kind);
      }
      try {
        Thread.sleep(rnd.nextInt(thinkMs + 1));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** A fresh function of a shape nobody used (its own env): created, invoked once, deleted. */
  void churn(int caller, ThreadLocalRandom rnd, byte[] p) {
    String image = List.of("echo", "logs", "flood").get(rnd.nextInt(3));
    String name = "churn-" + caller + "-" + churnCounter.incrementAndGet();
    String env = ",\"env\":{\"SOAK_CHURN\":\"" + runId + "-" + name + "\"}";
    if (call("churn create", create(name, image, 10_000, env), false, status(201)) == null) {
      return;
    }
    invoke("churn invoke", name, p, image.equals("flood") ? tooLarge() : body(p));
    call("churn delete", request("/v1/functions/" + name).DELETE().build(), false, status(204));
  }

  /** PUT with If-Match of this caller's function, alternating image and env, then a call of it. */
  void update(int caller, String[] etag, ThreadLocalRandom rnd, byte[] p) {
    String name = "upd-" + caller;
    if (etag[0] == null) {
      HttpResponse<byte[]> r = call("update get", request("/v1/functions/" + name).GET().build(), false, status(200));
      etag[0] = r == null ? null : r.headers().firstValue("ETag").orElse(null);
      if (etag[0] == null) {
        return;
      }
    }
    String image = rnd.nextBoolean() ? "echo" : "logs";
    String spec = "{\"image\":\"" + images + "/" + image + ":1\",\"timeoutMs\":10000,\"memoryMb\":64,"
        + "\"env\":{\"SOAK_REV\":\"" + rnd.nextInt(1_000_000) + "\"}}";
    HttpResponse<byte[]> r = call("update put",
        request("/v1/functions/" + name).header("If-Match", etag[0]).PUT(json(spec)).build(), false, status(200));
    etag[0] = r == null ? null : r.headers().firstValue("ETag").orElse(null);
    if (r != null) {
      invoke("update invoke", name, p, body(p));
    }
  }

  /** More calls at once than FAAS_MAX_CONCURRENT: each answers its parameter or 429, nothing else. */
  void burst() {
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    burstsInFlight.incrementAndGet();
    for (int i = 0; i < burst; i++) {
      byte[] p = payload(ThreadLocalRandom.current());
      Thread t = new Thread(() -> {
        try {
          go.await();
          invoke("burst", "echo", p, body(p));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lastBurstEnd = System.nanoTime();
    burstsInFlight.decrementAndGet();
  }

  void invoke(String kind, String function, byte[] p, Expect expect) {
    HttpRequest r = request("/v1/functions/" + function + "/invoke")
        .header("Content-Type", "text/plain; charset=utf-8").POST(HttpRequest.BodyPublishers.ofByteArray(p)).build();
    call(kind, r, true, expect);
  }

  /**
   * Sends, times and classifies one call; the response when it was as expected. A 429 of an
   * invocation counts as refused, not unexpected, only while a burst is in flight or ended less
   * than 2 s ago (its places may be given back just after its answers): without a burst the
   * callers never exceed the limit, so a 429 then means the node lost places.
   */
  HttpResponse<byte[]> call(String kind, HttpRequest request, boolean invocation, Expect expect) {
    boolean burstBefore = burstNear();
    long atMs = elapsedMs();
    long start = System.nanoTime();
    HttpResponse<byte[]> r;
    try {
      r = send(request);
    } catch (Exception e) {
      calls.add(new Call(kind, atMs, ms(start), 0, "unexpected", null, "no answer: " + e));
      log("unexpected: " + kind + " no answer: " + e);
      return null;
    }
    double ms = ms(start);
    String body = text(r.body());
    String id = r.headers().firstValue("X-Activation-Id").orElseGet(() -> find(ACTIVATION_ID, body));
    if (invocation && r.statusCode() == 429 && (kind.equals("burst") || burstBefore || burstNear())) {
      calls.add(new Call(kind, atMs, ms, 429, "refused", id, null));
      return null;
    }
    String miss = expect.miss(r);
    String detail = miss == null ? null : "expected " + miss + ", got " + r.statusCode() + " " + abbreviate(body);
    calls.add(new Call(kind, atMs, ms, r.statusCode(), miss == null ? "ok" : "unexpected", id, detail));
    if (miss != null) {
      log("unexpected: " + kind + " " + (id == null ? "" : "[" + id + "] ") + detail);
    }
    return miss == null ? r : null;
  }

  boolean burstNear() {
    return burstsInFlight.get() > 0 || System.nanoTime() - lastBurstEnd < TimeUnit.SECONDS.toNanos(2);
  }

  static Expect status(int s) {
    return r -> r.statusCode() == s ? null : String.valueOf(s);
  }

  static Expect body(byte[] p) {
    return r -> r.statusCode() == 200 && Arrays.equals(r.body(), p) ? null
        : "200 with the " + p.length + "-byte parameter back" + (r.statusCode() == 200 ? " (got " + r.body().length + " bytes that differ)" : "");
  }

  static Expect exitCode3() {
    return r -> r.statusCode() == 502 && "3".equals(find(EXIT_CODE, text(r.body()))) ? null : "502 with exitCode 3";
  }

  static Expect tooLarge() {
    // the problem type of API.md round 2 when there is one, else today's detail
    return r -> r.statusCode() == 502 && text(r.body()).matches("(?s).*(output-too-large|output exceeded).*") ? null
        : "502 output too large";
  }

  /** Random UTF-8 text, mostly short, sometimes up to 64 Ki code points; empty at times. */
  static byte[] payload(ThreadLocalRandom rnd) {
    int[] odd = {'\n', '\t', 'é', '€', '✓', '中', 0x1F642};
    int n = rnd.nextInt(10) == 0 ? rnd.nextInt(65_536) : rnd.nextInt(1024);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.appendCodePoint(rnd.nextInt(8) == 0 ? odd[rnd.nextInt(odd.length)] : 32 + rnd.nextInt(95));
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The slowest echo calls with their records' timings: waiting for a slot, for a container, or running. */
  List<String> slowestEcho(long warmupMs, int n) {
    List<Call> echo;
    synchronized (calls) {
      echo = calls.stream().filter(c -> c.kind().equals("echo") && c.outcome().equals("ok") && c.atMs() >= warmupMs
          && c.activationId() != null).sorted((a, b) -> Double.compare(b.ms(), a.ms())).limit(n).toList();
    }
    List<String> lines = new ArrayList<>();
    for (Call c : echo) {
      String record;
      try {
        record = text(send(request("/v1/activations/" + c.activationId()).header("Accept", "application/json").GET().build()).body());
      } catch (IOException | InterruptedException e) {
        record = "";
      }
      String fields = "";
      for (String f : List.of("durationMs", "queuedMs", "acquireMs", "runMs", "warm")) {
        fields += " " + f + " " + find(Pattern.compile("\"" + f + "\"\\s*:\\s*(\\w+)"), record);
      }
      lines.add(String.format(Locale.ROOT, "%8.1f at %5.0f s [%s]%s", c.ms(), c.atMs() / 1000.0, c.activationId(), fields));
    }
    return lines;
  }

  // ------------------------------------------------------------------------------ the node's side

  void sampleUntil(long warmupMs, long runMs) {
    try {
      Thread.sleep(Math.max(0, warmupMs - elapsedMs()));
      samples.add(sample("start", true));
      log("after the warm-up: " + describe(samples.get(samples.size() - 1)));
      long next = elapsedMs() + sampleSeconds * 1000L;
      long middle = warmupMs + (runMs - warmupMs) / 2;
      boolean middleTaken = false;
      while (next < runMs - 2000) {
        Thread.sleep(Math.max(0, next - elapsedMs()));
        boolean isMiddle = !middleTaken && next >= middle;
        middleTaken |= isMiddle;
        Sample s = sample(isMiddle ? "middle" : "periodic", isMiddle);
        samples.add(s);
        log(describe(s) + ", " + calls.size() + " calls, " + count("unexpected", null) + " unexpected");
        next += sampleSeconds * 1000L;
      }
      Thread.sleep(Math.max(0, runMs - 2000 - elapsedMs()));
      samples.add(sample("end", true)); // while the callers still run: the same load as at the start
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** /proc/PID/status; with gc, after a full GC (jcmd), so heap sizing does not pass for growth. */
  Sample sample(String label, boolean gc) {
    long heapKb = -1;
    if (gc) {
      command(30, "jcmd", String.valueOf(nodePid), "GC.run");
      String info = command(30, "jcmd", String.valueOf(nodePid), "GC.heap_info");
      String used = find(Pattern.compile("heap\\s+total \\d+K, used (\\d+)K"), info);
      heapKb = used == null ? -1 : Long.parseLong(used);
    }
    long rss = -1;
    int threads = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + nodePid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", ""));
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      log("cannot read /proc/" + nodePid + "/status: " + e);
    }
    return new Sample(label, elapsedMs(), rss, threads, heapKb, loadAverage());
  }

  static String loadAverage() {
    try {
      return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+"), 3));
    } catch (IOException e) {
      return "?";
    }
  }

  /** The platform's containers, waiting up to {@code seconds} for there to be none. */
  List<String> waitForNoContainers(int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<String> list = containers();
    while (!list.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(1000);
      list = containers();
    }
    return list;
  }

  List<String> containers() {
    String ps = command(20, docker, "ps", "-a", "--filter", "label=dev.faas.platform=" + platform,
        "--format", "{{.ID}} {{.Image}} {{.Status}}");
    return ps.isBlank() ? List.of() : ps.lines().toList();
  }

  /** The containers the engine no longer answers for: `timeout 2 docker inspect` does not return. */
  List<String> stuck(List<String> containers) {
    List<String> stuck = new ArrayList<>();
    for (String c : containers) {
      String id = c.split(" ")[0];
      try {
        Process p = new ProcessBuilder("timeout", "2", docker, "inspect", "--format", "{{.State.Status}}", id)
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() == 124) {
          p.destroyForcibly();
          stuck.add(c);
        }
      } catch (IOException | InterruptedException e) {
        stuck.add(c + " (" + e + ")");
      }
    }
    return stuck;
  }

  /** TERM to the node, then its exit within {@code seconds}: how long it took, or -1 when it did not. */
  double stopNode(int seconds) throws InterruptedException {
    long start = System.nanoTime();
    ProcessHandle.of(nodePid).ifPresent(ProcessHandle::destroy);
    while (alive(nodePid)) {
      if (ms(start) > seconds * 1000.0) {
        log("the node did not stop within " + seconds + " s");
        return -1;
      }
      Thread.sleep(100);
    }
    return ms(start) / 1000;
  }

  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z'; // a zombie has exited
    } catch (IOException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------------------------ the report

  final class Report {
    final StringBuilder sb = new StringBuilder();
    final List<String[]> targets = new ArrayList<>();
    boolean pass = true;

    Report(long warmupMs, List<String> slowest, List<String> whileRunning, List<String> stuckWhileRunning, double stopSeconds,
        List<String> left, List<String> stuckAfterStop) {
      line("Soak of %.1f min (warm-up %d s, not in the latency and growth figures), %d callers, bursts of %d; "
          + "node: platform %s, FAAS_MAX_CONCURRENT %s, FAAS_WORKER_SLOTS %s; %s (checkout at %s)", minutes,
          warmupMs / 1000, callers, burst, platform, System.getenv("FAAS_MAX_CONCURRENT"),
          System.getenv("FAAS_WORKER_SLOTS"), jar, command(5, "git", "rev-parse", "--short", "HEAD"));
      line("%-14s %7s %7s %8s %11s %9s %9s", "kind", "calls", "ok", "refused", "unexpected", "p50 ms", "p99 ms");
      for (String kind : List.of("echo", "logs", "fail", "timeout", "flood", "churn create", "churn invoke",
          "churn delete", "update get", "update put", "update invoke", "burst", "teardown")) {
        long n = calls.stream().filter(c -> c.kind().equals(kind)).count();
        if (n > 0) {
          double[] lat = latencies(kind, warmupMs);
          line("%-14s %7d %7d %8d %11d %9s %9s", kind, n, count("ok", kind), count("refused", kind),
              count("unexpected", kind), f(rank(lat, 50)), f(rank(lat, 99)));
        }
      }
      int unexpected = count("unexpected", null);
      line("%nUnexpected: %d%s", unexpected, unexpected == 0 ? "" : " (first 5; all in the .txt file)");
      sb.append(unexpectedLines(5));
      line("Bursts: %d, calls refused with 429: %d", calls.stream().filter(c -> c.kind().equals("burst")).count() / burst,
          count("refused", "burst"));

      line("%nSlowest echo calls after the warm-up, where their records say the time went (ms):");
      slowest.forEach(l -> line("  %s", l));

      // Growth is measured over the run's second half: a JVM's resident memory settles over its
      // first minutes under a new load (code cache, allocator arenas, committed heap), a leak
      // keeps climbing. The warm-up's sample is reported too.
      Sample start = pick("middle") != null ? pick("middle") : pick("start");
      Sample end = pick("end");
      line("%nNode (after a full GC at start, middle and end; RSS MiB, threads, heap used MiB):");
      for (Sample s : samples) {
        line("  %6.0f s  %-8s %s", s.atMs() / 1000.0, s.label(), describe(s));
      }
      line("%nContainers of %s after the user's functions were deleted, node running: %d, stuck: %d",
          platform, whileRunning.size(), stuckWhileRunning.size());
      stuckWhileRunning.forEach(c -> line("  stuck: %s", c));
      line("The node %s; containers left after it: %d, stuck: %d",
          stopSeconds < 0 ? "did NOT stop within 60 s of TERM" : String.format(Locale.ROOT, "stopped %.1f s after TERM", stopSeconds),
          left.size(), stuckAfterStop.size());
      left.forEach(c -> line("  left: %s", c));

      double[] echo = latencies("echo", warmupMs);
      target("unexpected statuses = 0", String.valueOf(unexpected), unexpected == 0);
      target("containers left after the node stopped = 0", String.valueOf(left.size()), left.isEmpty() && stopSeconds >= 0);
      target("stuck containers = 0 (node running / stopped)", stuckWhileRunning.size() + " / " + stuckAfterStop.size(),
          stuckWhileRunning.isEmpty() && stuckAfterStop.isEmpty());
      if (start == null || end == null || start.rssKb() < 0 || end.rssKb() < 0) {
        target("RSS and threads sampled at start and end", "no", false);
      } else {
        long rssAllowed = (long) (start.rssKb() * RSS_TOLERANCE) + RSS_SLACK_KB;
        target(String.format(Locale.ROOT, "RSS growth, 2nd half <= %.0f MiB (10 %% + 16 MiB)", rssAllowed / 1024.0),
            String.format(Locale.ROOT, "%+.1f MiB", (end.rssKb() - start.rssKb()) / 1024.0), end.rssKb() - start.rssKb() <= rssAllowed);
        int threadsAllowed = Math.max(THREAD_SLACK, (int) (start.threads() * THREAD_TOLERANCE));
        target("thread growth, 2nd half <= " + threadsAllowed + " (10 %, at least 5)",
            String.format(Locale.ROOT, "%+d", end.threads() - start.threads()), end.threads() - start.threads() <= threadsAllowed);
      }
      target("echo p99 <= 1000 ms", f(rank(echo, 99)) + " ms", echo.length > 0 && rank(echo, 99) <= ECHO_P99_TARGET_MS);
      target("bursts reached the limit (some 429)", String.valueOf(count("refused", "burst")), count("refused", "burst") > 0);

      line("%nTargets:");
      for (String[] t : targets) {
        line("  %-52s %14s  %s", t[0], t[1], t[2]);
        pass &= t[2].equals("PASS");
      }
      line("%nRESULT: %s", pass ? "PASS" : "FAIL");
    }

    void target(String what, String value, boolean met) {
      targets.add(new String[] {what, value, met ? "PASS" : "FAIL"});
    }

    void line(String format, Object... args) {
      sb.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    String text() {
      return sb.toString();
    }
  }

  /** Sorted times of the calls of a kind that were as expected, from {@code fromMs} on. */
  double[] latencies(String kind, long fromMs) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.kind().equals(kind) && c.outcome().equals("ok") && c.atMs() >= fromMs)
          .mapToDouble(Call::ms).sorted().toArray();
    }
  }

  Sample pick(String label) {
    synchronized (samples) {
      return samples.stream().filter(s -> s.label().equals(label)).findFirst().orElse(null);
    }
  }

  static String describe(Sample s) {
    return String.format(Locale.ROOT, "RSS %.1f MiB, %d threads, load %s%s", s.rssKb() / 1024.0, s.threads(), s.load(),
        s.heapKb() < 0 ? "" : String.format(Locale.ROOT, ", heap used %.1f MiB", s.heapKb() / 1024.0));
  }

  int count(String outcome, String kind) {
    synchronized (calls) {
      return (int) calls.stream().filter(c -> c.outcome().equals(outcome) && (kind == null || c.kind().equals(kind))).count();
    }
  }

  String unexpectedLines(int max) {
    StringBuilder sb = new StringBuilder();
    synchronized (calls) {
      calls.stream().filter(c -> c.outcome().equals("unexpected")).limit(max).forEach(c -> sb.append(String.format(
          Locale.ROOT, "  %6.1f s  %-13s %s  %s%n", c.atMs() / 1000.0, c.kind(), c.activationId() == null ? "-" : c.activationId(), c.detail())));
    }
    return sb.toString();
  }

  String csv() {
    StringBuilder sb = new StringBuilder("kind,at_ms,ms,status,outcome,activation_id\n");
    synchronized (calls) {
      for (Call c : calls) {
        sb.append(String.format(Locale.ROOT, "%s,%d,%.1f,%d,%s,%s%n", c.kind(), c.atMs(), c.ms(), c.status(), c.outcome(),
            c.activationId() == null ? "" : c.activationId()));
      }
    }
    return sb.toString();
  }

  /** Nearest-rank percentile; NaN for no values. */
  static double rank(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static String f(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  // --------------------------------------------------------------------------------------- plumbing

  HttpRequest create(String name, String image, int timeoutMs, String extra) {
    String body = "{\"name\":\"" + name + "\",\"image\":\"" + images + "/" + image + ":1\",\"timeoutMs\":"
        + timeoutMs + ",\"memoryMb\":64" + extra + "}";
    return request("/v1/functions").POST(json(body)).build();
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  static HttpRequest.BodyPublisher json(String body) {
    return HttpRequest.BodyPublishers.ofString(body);
  }

  HttpResponse<byte[]> send(HttpRequest r) throws IOException, InterruptedException {
    return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
  }

  static void expectSetUp(HttpResponse<byte[]> r, int status, String what) throws IOException {
    if (r.statusCode() != status) {
      throw new IOException(what + ": expected " + status + ", got " + r.statusCode() + " " + abbreviate(text(r.body())));
    }
  }

  /** Trusts exactly the node's self-signed certificate (DIR/tls/node.p12), or the JDK's CAs without --data-dir. */
  SSLContext sslContext() throws Exception {
    if (dataDir == null) {
      return SSLContext.getDefault();
    }
    SSLContext context = SSLContext.getInstance("TLS");
    Path tls = dataDir.resolve("tls");
    char[] password = Files.readString(tls.resolve("node.p12.password")).trim().toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.resolve("node.p12"))) {
      keys.load(in, password);
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (String alias : Collections.list(keys.aliases())) {
      trust.setCertificateEntry(alias, keys.getCertificate(alias));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** A command's stdout; empty when it fails or outlives {@code seconds}. */
  static String command(int seconds, String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      // read on the side, so a command that hangs cannot hang the reader
      StringBuilder out = new StringBuilder();
      Thread reader = new Thread(() -> {
        try {
          out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          // the process was killed
        }
      });
      reader.start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "";
      }
      reader.join();
      return p.exitValue() == 0 ? out.toString().trim() : "";
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(USAGE);
        System.exit(0);
      }
      if (i + 1 >= args.length) {
        usage("missing value for " + a);
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--url" -> url = v.replaceAll("/+$", "");
          case "--data-dir" -> dataDir = Path.of(v);
          case "--node-pid" -> nodePid = Long.parseLong(v);
          case "--platform" -> platform = v;
          case "--images" -> images = v;
          case "--minutes" -> minutes = Double.parseDouble(v);
          case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(v);
          case "--callers" -> callers = Integer.parseInt(v);
          case "--burst" -> burst = Integer.parseInt(v);
          case "--think-ms" -> thinkMs = Integer.parseInt(v);
          case "--sample-seconds" -> sampleSeconds = Integer.parseInt(v);
          case "--docker" -> docker = v;
          case "--jar" -> jar = v;
          case "--out" -> out = Path.of(v);
          default -> usage("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        usage(a + " wants a number, not " + v);
      }
    }
    if (nodePid <= 0 || !alive(nodePid)) {
      usage("--node-pid must name the node's running process");
    }
    if (minutes <= 0 || callers < 1 || burst < 1 || thinkMs < 0 || sampleSeconds < 1 || warmupSeconds < 0) {
      usage("--minutes, --callers, --burst and --sample-seconds must be positive");
    }
  }

  static void usage(String problem) {
    System.err.println("soak: " + problem);
    System.err.print(USAGE);
    System.exit(2);
  }

  long elapsedMs() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static double ms(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static String find(Pattern p, String s) {
    Matcher m = p.matcher(s);
    return m.find() ? m.group(1) : null;
  }

  static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static String abbreviate(String s) {
    s = s.replace('\n', ' ');
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  static void log(String line) {
    synchronized (Soak.class) {
      System.err.println("[soak " + DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now()) + "] " + line);
    }
  }
}
