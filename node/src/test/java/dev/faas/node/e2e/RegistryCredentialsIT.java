package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users' registry credentials through the HTTPS API of a real node on a real nats-server, and
 * what NATS holds of them: the username in clear, the password only sealed, nothing left once the
 * user is gone, and nothing of one user's visible to another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryCredentialsIT {
  private static final String HOST = "registry.example:5000";
  private static final String PASSWORD = "it-registry-Secret-0123456789";

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, RegistryCredentialsIT.class);
    node = cluster.startAllInOne(Map.of());
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void storedSealedListedToTheirOwnerOnlyAndDeleted() throws Exception {
    FaasClient ann = TestCluster.signUp(node, "ann");
    FaasClient bob = TestCluster.signUp(node, "bob");

    assertEquals(204, put(ann, HOST, "ci-bot", PASSWORD).status());
    assertEquals(204, put(ann, "ghcr.io", "ann-gh", PASSWORD).status());
    assertEquals(204, put(bob, "ghcr.io", "bob-gh", "bobs-" + PASSWORD).status());

    Reply listed = ann.get("/v1/registries");
    assertEquals(200, listed.status(), listed.text());
    JsonNode entries = listed.json().get("registries");
    assertEquals(2, entries.size(), listed.text());
    assertEquals("ghcr.io", entries.get(0).get("host").asText());
    assertEquals(HOST, entries.get(1).get("host").asText());
    assertEquals("ci-bot", entries.get(1).get("username").asText());
    assertNotNull(entries.get(1).get("updatedAt").asText());
    assertFalse(listed.text().contains(PASSWORD), listed.text());
    // Another user sees and deletes only their own.
    JsonNode bobs = bob.get("/v1/registries").json().get("registries");
    assertEquals(1, bobs.size());
    assertEquals("bob-gh", bobs.get(0).get("username").asText());
    assertEquals(404, bob.call("DELETE", "/v1/registries/" + HOST, null).status());

    try (Connection nats = Nats.connect(cluster.nats().url())) {
      KeyValue registries = nats.keyValue("registries");
      String annId = ann.userId();
      KeyValueEntry raw = registries.get(annId + "." + encoded(HOST));
      assertNotNull(raw, "the entry under <ann's user id>.<base64url host>");
      String value = new String(raw.getValue(), StandardCharsets.UTF_8);
      assertTrue(value.contains("ci-bot"), value);
      assertFalse(contains(raw.getValue(), PASSWORD.getBytes(StandardCharsets.UTF_8)), value);
      assertFalse(value.contains(base64(PASSWORD)), value);
      assertEquals(32, nats.keyValue("config").get("registry-key").getValue().length);

      Reply deleted = ann.call("DELETE", "/v1/registries/" + HOST, null);
      assertEquals(204, deleted.status(), deleted.text());
      assertEquals(404, ann.call("DELETE", "/v1/registries/" + HOST, null).status());
      assertEquals(1, ann.get("/v1/registries").json().get("registries").size());

      Reply gone = ann.call("DELETE", "/v1/users/me", null);
      assertEquals(204, gone.status(), gone.text());
      assertEquals(List.of(), registries.keys(annId + ".>"));
      assertEquals(1, registries.keys(bob.userId() + ".>").size());
    }
    assertEquals(1, bob.get("/v1/registries").json().get("registries").size());
  }

  @Test
  void invalidRequestsAre400() throws Exception {
    FaasClient cid = TestCluster.signUp(node, "cid");

    Reply badHost = put(cid, "not-a-registry", "u", PASSWORD);
    assertEquals(400, badHost.status(), badHost.text());
    assertTrue(badHost.text().contains("host"), badHost.text());
    Reply unknownField =
        cid.call(
            "PUT", "/v1/registries/ghcr.io", "{\"username\":\"u\",\"password\":\"p\",\"x\":1}");
    assertEquals(400, unknownField.status(), unknownField.text());
    assertEquals(0, cid.get("/v1/registries").json().get("registries").size());
  }

  private static Reply put(FaasClient user, String host, String username, String password)
      throws Exception {
    return user.call(
        "PUT",
        "/v1/registries/" + host,
        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
  }

  private static String encoded(String host) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(host.getBytes(StandardCharsets.UTF_8));
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
