import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of tracing (bench/README.md, "Tracing off and on"), two commands, no dependencies:
 *
 * <pre>
 *   java bench/Tracing.java sink PORT_FILE STATS_FILE
 *       an OTLP/HTTP sink on a free loopback port (written to PORT_FILE): answers every export
 *       200 and counts requests and bytes into STATS_FILE; no collector, nothing decoded or kept
 *   java bench/Tracing.java compare OFF.csv ON.csv OUT.md [SINK_STATS]
 *       the p50/p90 of each series and mode of two harness runs, tracing off and on, and their
 *       ratio on/off
 * </pre>
 */
public class Tracing {
  public static void main(String[] args) throws Exception {
    if (args.length >= 3 && args[0].equals("sink")) {
      sink(Path.of(args[1]), Path.of(args[2]));
    } else if (args.length >= 4 && args[0].equals("compare")) {
      compare(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
          args.length > 4 ? Path.of(args[4]) : null);
    } else {
      System.err.println("usage: Tracing sink PORT_FILE STATS_FILE | compare OFF.csv ON.csv OUT.md [STATS]");
      System.exit(2);
    }
  }

  static void sink(Path portFile, Path statsFile) throws IOException {
    AtomicLong requests = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        bytes.addAndGet(in.readAllBytes().length);
        requests.incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
      }
      Files.writeString(statsFile, requests.get() + " export requests, " + bytes.get() + " bytes\n");
    });
    server.setExecutor(Executors.newSingleThreadExecutor());
    server.start();
    Files.writeString(portFile, Integer.toString(server.getAddress().getPort()));
  }

  record Stats(int n, double p50, double p90) {}

  /** series + " " + mode -> the ok calls' milliseconds. */
  static Map<String, List<Double>> read(Path csv) throws IOException {
    Map<String, List<Double>> out = new TreeMap<>();
    List<String> lines = Files.readAllLines(csv);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", 8);
      if (f.length < 6 || !f[5].equals("true")) {
        continue;
      }
      out.computeIfAbsent(f[0] + " " + f[1], k -> new ArrayList<>()).add(Double.parseDouble(f[4]));
    }
    return out;
  }

  static Stats stats(List<Double> ms) {
    List<Double> sorted = new ArrayList<>(ms);
    sorted.sort(null);
    return new Stats(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.90));
  }

  static double rank(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
  }

  static void compare(Path off, Path on, Path out, Path sinkStats) throws IOException {
    Map<String, List<Double>> a = read(off);
    Map<String, List<Double>> b = read(on);
    StringBuilder md = new StringBuilder("# Tracing off and on\n\n");
    md.append("The same harness run twice against a fresh node: without `FAAS_OTLP_ENDPOINT`, then with it ")
        .append("pointing at a sink that answers every OTLP/HTTP export (no collector). Milliseconds, ok calls only; ")
        .append("ratio = on / off.\n\n");
    md.append("| series | mode | n off | n on | p50 off | p50 on | p50 ratio | p90 off | p90 on | p90 ratio |\n");
    md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    Map<String, String> ratios = new LinkedHashMap<>();
    for (String key : a.keySet()) {
      if (!b.containsKey(key)) {
        continue;
      }
      Stats x = stats(a.get(key));
      Stats y = stats(b.get(key));
      String[] sm = key.split(" ", 2);
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |%n",
          sm[0], sm[1], x.n, y.n, x.p50, y.p50, y.p50 / x.p50, x.p90, y.p90, y.p90 / x.p90));
      ratios.put(key, String.format(Locale.ROOT, "%.2f", y.p50 / x.p50));
    }
    if (sinkStats != null && Files.exists(sinkStats)) {
      md.append("\nThe sink received ").append(Files.readString(sinkStats).strip()).append(".\n");
    }
    Files.writeString(out, md.toString());
    System.out.println();
    System.out.print(md);
    System.out.println();
    System.out.println("Written to " + out);
  }
}
