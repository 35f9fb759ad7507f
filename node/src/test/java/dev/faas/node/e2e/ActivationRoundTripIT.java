package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a function sees and what its caller gets back, through the HTTPS API of a real node (api
 * and worker in one process) on a real nats-server and Docker engine: the parameter and the
 * result byte for byte, stdout kept apart from stderr, the activation records, the sandbox, and
 * the argument input mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivationRoundTripIT {
  /** Small, so that a chatty function's stderr is cut and flagged. */
  private static final int LOG_CAP = 256;

  @TempDir static Path dir;
  private TestCluster cluster;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, ActivationRoundTripIT.class);
    NodeProcess node =
        cluster.startAllInOne(
            Map.of(
                "FAAS_MAX_CONCURRENT", "8",
                "FAAS_WORKER_SLOTS", "4",
                "FAAS_LOG_CAP_BYTES", Integer.toString(LOG_CAP)));
    // Built while the node starts.
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    api = TestCluster.signUp(node, "roundtrip");
    api.createFunction("echo", cat);
    Activations.awaitWorker(api, "echo");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void noContainerIsLeft() throws Exception {
    DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);
  }

  @Test
  void aUnicodeParameterComesBackByteForByte() throws Exception {
    // Emoji with a skin-tone modifier, CJK, combining marks, a ZWJ sequence, no final newline.
    String text = "héllo wörld 👋🏽 日本語 한국어 e\u0301 a\u0308\u0323 👩‍👩‍👧 ∑ \t end";
    Reply reply = api.invoke("echo", text);
    assertEquals(200, reply.status(), reply::toString);
    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), reply.body());
    assertTrue(
        reply.header("Content-Type").startsWith("text/plain"), reply.header("Content-Type"));
    String id = reply.header("X-Activation-Id");
    assertNotNull(id, "X-Activation-Id");

    JsonNode record = Activations.record(api, id);
    assertEquals(id, record.get("activationId").asText());
    assertEquals("echo", record.get("function").asText());
    assertEquals("success", record.get("status").asText());
    assertEquals(0, record.get("exitCode").asInt());
    assertEquals(text, record.get("result").asText());
    assertTrue(record.get("durationMs").asLong() >= 0);
    assertNotNull(record.get("startedAt").textValue());
  }

  @Test
  void anEmptyParameterGivesAnEmptyResult() throws Exception {
    Reply reply = api.invoke("echo", new byte[0]);
    assertEquals(200, reply.status(), reply::toString);
    assertEquals(0, reply.body().length, reply::toString);
    assertNotNull(reply.header("X-Activation-Id"));
  }

  @Test
  void a700KibParameterComesBackByteForByte() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int line = 0; text.length() < 700 * 1024; line++) {
      text.append("line ").append(line).append(": ünïcödé ✓ 🚀 字\n");
    }
    byte[] parameter = text.toString().getBytes(StandardCharsets.UTF_8);
    assertTrue(parameter.length > 700 * 1024);
    Reply reply = api.invoke("echo", parameter);
    assertEquals(200, reply.status(), reply::toString);
    assertEquals(parameter.length, reply.body().length);
    assertArrayEquals(parameter, reply.body());
    assertNotNull(reply.header("X-Activation-Id"));
  }

  @Test
  void arbitraryBytesComeBackByteForByte() throws Exception {
    byte[] parameter = new byte[64 * 1024];
    new Random(42).nextBytes(parameter);
    for (int b = 0; b < 256; b++) {
      parameter[b] = (byte) b; // every byte value, NUL and invalid UTF-8 included
    }
    Reply reply = api.invoke("echo", parameter);
    assertEquals(200, reply.status(), reply::toString);
    assertArrayEquals(parameter, reply.body());
  }

  @Test
  void acceptJsonGivesTheRecordInstead() throws Exception {
    Reply reply = api.invoke("echo", "as a record ✓", "Accept", "application/json");
    assertEquals(200, reply.status(), reply::toString);
    assertTrue(
        reply.header("Content-Type").startsWith("application/json"), reply.header("Content-Type"));
    JsonNode record = reply.json();
    assertEquals(reply.header("X-Activation-Id"), record.get("activationId").asText());
    assertEquals("echo", record.get("function").asText());
    assertEquals("success", record.get("status").asText());
    assertEquals("as a record ✓", record.get("result").asText());
    assertEquals("", record.get("logs").asText());
  }

  @Test
  void theListIsNewestFirst() throws Exception {
    api.createFunction("listed", FunctionImages.withCommand("cat", "[\"cat\"]"));
    List<String> ids = new ArrayList<>();
    for (String parameter : List.of("first", "second", "third")) {
      Reply reply = api.invoke("listed", parameter);
      assertEquals(200, reply.status(), reply::toString);
      ids.add(reply.header("X-Activation-Id"));
    }

    Reply all = api.get("/v1/activations?function=listed&limit=10");
    assertEquals(200, all.status(), all::toString);
    assertEquals(List.of(ids.get(2), ids.get(1), ids.get(0)), idsOf(all.json()));
    // A listing carries no output; the record does.
    assertFalse(all.json().get("activations").get(0).has("result"), all::toString);
    assertEquals("third", Activations.record(api, ids.get(2)).get("result").asText());

    Reply newest = api.get("/v1/activations?function=listed&limit=2");
    assertEquals(200, newest.status(), newest::toString);
    assertEquals(List.of(ids.get(2), ids.get(1)), idsOf(newest.json()));
  }

  private static List<String> idsOf(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.get("activations").forEach(r -> ids.add(r.get("activationId").asText()));
    return ids;
  }

  @Test
  void stderrStaysOutOfTheResultAndGoesToTheLogs() throws Exception {
    api.createFunction(
        "two-streams",
        FunctionImages.withCommand("two-streams", "[\"sh\",\"-c\",\"echo out; echo err >&2\"]"));
    Reply reply = api.invoke("two-streams", "");
    assertEquals(200, reply.status(), reply::toString);
    assertEquals("out\n", reply.text());

    JsonNode record = Activations.record(api, reply.header("X-Activation-Id"));
    assertEquals("out\n", record.get("result").asText());
    assertEquals("err\n", record.get("logs").asText());
    assertFalse(record.get("logsTruncated").asBoolean(), record::toString);
  }

  @Test
  void logsOverTheCapAreCutAndFlagged() throws Exception {
    // 100 lines of 16 bytes on stderr: 1600 bytes against a cap of 256.
    api.createFunction(
        "chatty",
        FunctionImages.withCommand(
            "chatty",
            "[\"sh\",\"-c\",\"i=100; while [ $i -lt 200 ]; do echo log-line-$i-abcd >&2;"
                + " i=$((i+1)); done; echo done\"]"));
    Reply reply = api.invoke("chatty", "");
    assertEquals(200, reply.status(), reply::toString);
    assertEquals("done\n", reply.text());

    JsonNode record = Activations.record(api, reply.header("X-Activation-Id"));
    assertTrue(record.get("logsTruncated").asBoolean(), record::toString);
    String logs = record.get("logs").asText();
    assertTrue(logs.startsWith("log-line-100-abcd\n"), logs);
    assertTrue(
        logs.getBytes(StandardCharsets.UTF_8).length <= LOG_CAP,
        "at most the cap is kept: " + logs.length());
  }

  @Test
  void theSandboxShowsOnlyLoopback() throws Exception {
    api.createFunction(
        "netdev", FunctionImages.withCommand("netdev", "[\"cat\",\"/proc/net/dev\"]"));
    Reply reply = api.invoke("netdev", "");
    assertEquals(200, reply.status(), reply::toString);
    Set<String> interfaces = new TreeSet<>();
    for (String line : reply.text().split("\n")) {
      if (line.contains(":")) {
        interfaces.add(line.substring(0, line.indexOf(':')).trim());
      }
    }
    assertEquals(Set.of("lo"), interfaces, reply.text());
  }

  @Test
  void theRootFilesystemIsReadOnlyButTmpIsWritable() throws Exception {
    api.createFunction(
        "rootfs",
        FunctionImages.withCommand(
            "rootfs",
            "[\"sh\",\"-c\",\"if touch /x 2>/dev/null; then echo root-writable;"
                + " else echo root-read-only; fi; echo tmp-ok > /tmp/t && cat /tmp/t\"]"));
    Reply reply = api.invoke("rootfs", "");
    assertEquals(200, reply.status(), reply::toString);
    assertEquals("root-read-only\ntmp-ok\n", reply.text());
  }

  @Test
  void theFunctionHoldsNoCapabilities() throws Exception {
    api.createFunction(
        "caps",
        FunctionImages.withCommand("caps", "[\"sh\",\"-c\",\"grep CapEff /proc/self/status\"]"));
    Reply reply = api.invoke("caps", "");
    assertEquals(200, reply.status(), reply::toString);
    assertTrue(reply.text().matches("CapEff:\\s+0{16}\\n"), reply.text());
  }

  @Test
  void argModePassesTheParameterAsTheLastArgument() throws Exception {
    api.createFunction(
        "{\"name\":\"arg-echo\",\"inputMode\":\"arg\",\"image\":\""
            + FunctionImages.image("arg-echo", "ENTRYPOINT [\"echo\"]\nCMD [\"hello\"]")
            + "\"}");
    Reply echoed = api.invoke("arg-echo", "wide world");
    assertEquals(200, echoed.status(), echoed::toString);
    assertEquals("hello wide world\n", echoed.text());

    // One argument, spaces and all, after the image's own: printf shows where each one ends.
    api.createFunction(
        "{\"name\":\"arg-list\",\"inputMode\":\"arg\",\"image\":\""
            + FunctionImages.image(
                "arg-list",
                "ENTRYPOINT [\"sh\",\"-c\",\"printf '<%s>' \\\"$@\\\"\",\"fn\"]\nCMD [\"first\"]")
            + "\"}");
    Reply listed = api.invoke("arg-list", "two  words ✓");
    assertEquals(200, listed.status(), listed::toString);
    assertEquals("<first><two  words ✓>", listed.text());
  }
}
