package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphansTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant STARTED = Instant.ofEpochSecond(1_000);

  /** A container as the engine lists it: its worker, its role, its state, its creation second. */
  private static Container container(String worker, String role, String state, long created)
      throws Exception {
    String labels =
        "{\"dev.faas.platform\":\"p\""
            + (worker == null ? "" : ",\"dev.faas.worker\":\"" + worker + "\"")
            + (role == null ? "" : ",\"dev.faas.role\":\"" + role + "\"")
            + "}";
    return JSON.readValue(
        "{\"Id\":\"" + worker + "-" + role + "-" + state + "-" + created + "\",\"State\":\""
            + state + "\",\"Created\":" + created + ",\"Labels\":" + labels + "}",
        Container.class);
  }

  @Test
  void aWorkerIsDeadWhenItsLeaseExistsAndDoesNotRun() throws Exception {
    List<Container> found =
        List.of(
            container("alive", "lease", "running", 900),
            container("killed", "lease", "exited", 900),
            container("no-lease", null, "running", 900),
            container("self", "lease", "exited", 900));
    assertEquals(Set.of("killed"), Orphans.deadWorkers(found, "self"));
  }

  @Test
  void whichContainersNoLiveWorkerHolds() throws Exception {
    Set<String> dead = Set.of("killed");
    assertTrue(Orphans.isOrphan(container("killed", null, "running", 1500), "self", dead, STARTED),
        "a killed worker's running container, however young");
    assertTrue(Orphans.isOrphan(container("killed", "lease", "exited", 900), "self", dead, STARTED),
        "and its ended lease");
    assertFalse(Orphans.isOrphan(container("alive", null, "running", 900), "self", dead, STARTED),
        "a live worker's");
    assertFalse(Orphans.isOrphan(container("no-lease", null, "exited", 1), "self", dead, STARTED),
        "a worker without a lease is left to the sweep by age");
    assertFalse(Orphans.isOrphan(container(null, "probe", "exited", 1), "self", dead, STARTED),
        "a probe's");
    assertTrue(Orphans.isOrphan(container("self", null, "exited", 999), "self", dead, STARTED),
        "this worker's previous run's");
    assertFalse(Orphans.isOrphan(container("self", null, "running", 1000), "self", dead, STARTED),
        "this worker's, made in the second its runtime started: maybe its own new one");
  }
}
