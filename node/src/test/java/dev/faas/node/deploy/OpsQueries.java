package dev.faas.node.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of the repository's operations files (ops/prometheus/alerts.yml, ops/grafana/faas.json)
 * and the metric names it reads, for tests to hold against a real scrape.
 */
public final class OpsQueries {
  public static final String ALERTS = "ops/prometheus/alerts.yml";
  public static final String DASHBOARD = "ops/grafana/faas.json";

  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "inf", "nan");

  private OpsQueries() {}

  /** The alert rules of {@link #ALERTS}, each an object with alert, expr, labels, annotations. */
  public static List<JsonNode> alertRules() throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(locate(ALERTS)));
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode group : root.get("groups")) {
      group.get("rules").forEach(rules::add);
    }
    return rules;
  }

  /** The dashboard {@link #DASHBOARD}. */
  public static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(Files.readString(locate(DASHBOARD)));
  }

  /** Every PromQL expression of the dashboard's panels. */
  public static List<String> dashboardExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard().get("panels")) {
      JsonNode targets = panel.get("targets");
      if (targets != null) {
        targets.forEach(t -> exprs.add(t.get("expr").asText()));
      }
    }
    return exprs;
  }

  /** Every expression of the alerts and the dashboard. */
  public static List<String> allExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    alertRules().forEach(r -> exprs.add(r.get("expr").asText()));
    exprs.addAll(dashboardExpressions());
    return exprs;
  }

  /**
   * The metric names {@code expr} reads: its identifiers outside label matchers, ranges, strings
   * and grouping clauses, that are neither functions (followed by a parenthesis) nor keywords.
   */
  public static Set<String> metricNames(String expr) {
    String bare =
        expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
            .replaceAll("\\{[^}]*\\}", " ")
            .replaceAll("\\[[^\\]]*\\]", " ");
    bare = GROUPING.matcher(bare).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String name = m.group();
      int after = m.end();
      while (after < bare.length() && Character.isWhitespace(bare.charAt(after))) {
        after++;
      }
      boolean function = after < bare.length() && bare.charAt(after) == '(';
      boolean variable = m.start() > 0 && bare.charAt(m.start() - 1) == '$';
      if (!function && !variable && !KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }

  /** The metric names of all the operations files' expressions. */
  public static Set<String> allMetricNames() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String expr : allExpressions()) {
      names.addAll(metricNames(expr));
    }
    return names;
  }

  /** The metric names a Prometheus text scrape holds samples of. */
  public static Set<String> scrapedNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = IDENTIFIER.matcher(line);
      if (m.lookingAt()) {
        names.add(m.group());
      }
    }
    return names;
  }

  private static Path locate(String relative) {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path base : List.of(cwd.resolve(".."), cwd)) {
      Path candidate = base.resolve(relative).normalize();
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(relative + " not found from " + cwd);
  }
}
