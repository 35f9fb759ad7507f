package dev.faas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a faas.yaml and planning what apply does with it. */
class ApplyPlanTest {
  private static List<ObjectNode> manifest(String yaml) {
    return Manifest.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "faas.yaml");
  }

  /** A function as the API lists it: defaults filled in, read-only fields added. */
  private static JsonNode stored(String name, int timeoutMs) {
    ObjectNode f = Json.object().put("name", name).put("image", "busybox:1").put("imageDigest", "sha256:ab")
        .put("status", "ready").put("timeoutMs", timeoutMs).put("memoryMb", 128).put("description", "")
        .put("inputMode", "stdin").put("network", false).put("revision", 42).put("createdAt", "2026-12-03T10:15:30Z");
    f.set("env", Json.object());
    return f;
  }

  @Test
  void aManifestIsReadStrictlyWithTheApisDefaults() {
    List<ObjectNode> fns = manifest("functions:\n  - name: a\n    image: busybox:1\n    env: {PORT: 8080}\n");
    assertEquals(30_000, fns.get(0).get("timeoutMs").asInt());
    assertEquals("8080", fns.get(0).get("env").get("PORT").textValue());
    assertTrue(manifest("functions: []\n").isEmpty());
    assertThrows(CliException.class, () -> manifest("functions:\n  - name: a\n    image: b:1\n    timeout: 5s\n"));
    assertThrows(CliException.class, () -> manifest("functions:\n  - name: a\n    image: b:1\n  - name: a\n    image: c:1\n"));
    assertThrows(CliException.class, () -> manifest("functions:\n  - name: a\n"));
    assertThrows(CliException.class, () -> manifest("fns: []\n"));
    assertThrows(CliException.class, () -> manifest("functions: [\n"));
  }

  @Test
  void whatIsMissingIsCreatedWhatDiffersUpdatedTheRestUntouched() {
    List<ObjectNode> wanted = manifest(
        "functions:\n"
            + "  - {name: same, image: 'busybox:1'}\n"
            + "  - {name: slower, image: 'busybox:1', timeoutMs: 5000}\n"
            + "  - {name: fresh, image: 'busybox:1'}\n");
    JsonNode stored = Json.JSON.valueToTree(List.of(stored("same", 30_000), stored("slower", 30_000), stored("extra", 30_000)));
    ApplyPlan plan = ApplyPlan.of(wanted, stored, false);
    assertEquals(List.of("same"), plan.unchanged());
    assertEquals(2, plan.changes().size());
    ApplyPlan.Change update = plan.changes().get(0);
    assertEquals(ApplyPlan.Action.UPDATE, update.action());
    assertEquals("slower", update.name());
    assertEquals(1, update.fields().size());
    assertEquals("timeoutMs", update.fields().get(0).field());
    assertEquals(ApplyPlan.Action.CREATE, plan.changes().get(1).action());

    ApplyPlan pruned = ApplyPlan.of(wanted, stored, true);
    assertEquals(new ApplyPlan.Change(ApplyPlan.Action.DELETE, "extra", null, List.of()), pruned.changes().get(2));
  }

  @Test
  void aManifestMatchingWhatIsStoredPlansNothing() {
    List<ObjectNode> wanted = manifest("functions:\n  - {name: a, image: 'busybox:1', timeoutMs: 5000}\n");
    ApplyPlan plan = ApplyPlan.of(wanted, Json.JSON.valueToTree(List.of(stored("a", 5000))), true);
    assertTrue(plan.isEmpty(), plan::toString);
  }

  @Test
  void maxConcurrencyAbsentOnBothSidesIsTheSame() {
    List<ObjectNode> wanted = manifest("functions:\n  - {name: a, image: 'busybox:1', maxConcurrency: 2}\n");
    ApplyPlan plan = ApplyPlan.of(wanted, Json.JSON.valueToTree(List.of(stored("a", 30_000))), false);
    assertEquals("maxConcurrency", plan.changes().get(0).fields().get(0).field());
  }
}
