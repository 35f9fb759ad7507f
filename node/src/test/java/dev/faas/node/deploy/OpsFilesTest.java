package dev.faas.node.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The operations files stand on their own: every alert rule is complete, the dashboard imports
 * into any Grafana (its data source a variable) and every query reads a metric the platform has
 * (names checked against a real node's scrape by MetricsIT).
 */
class OpsFilesTest {

  @Test
  void metricNamesAreReadOutOfPromQl() {
    assertEquals(
        Set.of("faas_activations_total"),
        OpsQueries.metricNames(
            "sum by (node) (rate(faas_activations_total{outcome=~\"worker-lost|x\"}[5m])) > 0.05"));
    assertEquals(
        Set.of("faas_activation_queue_seconds_bucket"),
        OpsQueries.metricNames(
            "histogram_quantile(0.95, sum by (le, start) (rate(faas_activation_queue_seconds_bucket"
                + "{node=~\"$node\"}[$__rate_interval])))"));
    assertEquals(
        Set.of("faas_metrics_functions", "faas_metrics_functions_max"),
        OpsQueries.metricNames("faas_metrics_functions >= faas_metrics_functions_max"));
  }

  @Test
  void everyAlertRuleIsCompleteAndUnique() throws Exception {
    List<JsonNode> rules = OpsQueries.alertRules();
    assertTrue(rules.size() >= 8, "rules: " + rules.size());
    Set<String> names = new HashSet<>();
    for (JsonNode rule : rules) {
      String name = rule.path("alert").asText();
      assertTrue(name.startsWith("Faas"), rule::toString);
      assertTrue(names.add(name), "twice: " + name);
      assertFalse(OpsQueries.metricNames(rule.path("expr").asText()).isEmpty(), name);
      assertTrue(
          Set.of("critical", "warning", "info").contains(rule.path("labels").path("severity").asText()),
          name);
      assertFalse(rule.path("annotations").path("summary").asText().isBlank(), name);
    }
  }

  @Test
  void theDashboardTakesItsDataSourceAsAVariable() throws Exception {
    JsonNode dashboard = OpsQueries.dashboard();
    JsonNode first = dashboard.path("templating").path("list").get(0);
    assertEquals("datasource", first.path("type").asText());
    assertEquals("prometheus", first.path("query").asText());
    int queries = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      if (panel.has("targets")) {
        assertEquals("${datasource}", panel.path("datasource").path("uid").asText(),
            panel.path("title").asText());
        queries += panel.get("targets").size();
      }
    }
    assertTrue(queries >= 15, "queries: " + queries);
    assertTrue(OpsQueries.allMetricNames().contains("faas_activation_acquire_seconds_bucket"));
  }
}
