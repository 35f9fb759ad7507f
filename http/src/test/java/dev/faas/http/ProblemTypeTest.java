package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Fault;
import dev.faas.actors.outcome.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one mapping from an activation's failure to its problem type, and docs/api.md's table. */
class ProblemTypeTest {

  @ParameterizedTest(name = "{0} → {1} ({2}), the {3}'s fault")
  @CsvSource({
    "NON_ZERO_EXIT, function-exit, 502, FUNCTION",
    "OUT_OF_MEMORY, function-oom, 502, FUNCTION",
    "OUTPUT_TOO_LARGE, function-output-too-large, 502, FUNCTION",
    "IMAGE_NOT_FOUND, image-unavailable, 502, FUNCTION",
    "TIMEOUT, function-timeout, 504, FUNCTION",
    "WORKER_LOST, worker-lost, 503, PLATFORM",
    "WORKER_STOPPED, worker-lost, 503, PLATFORM",
    "PLATFORM_ERROR, platform-error, 503, PLATFORM"
  })
  void aFailedActivationsTypeAndStatusFollowFromItsKind(
      FailureKind kind, String slug, int status, Fault fault) {
    Outcome.Failed failed = new Outcome.Failed("a1", kind, null, null);
    ProblemType type = ProblemType.of(failed);
    assertEquals(ProblemType.BASE + slug, type.uri());
    assertEquals(status, type.status().intValue());
    assertEquals(fault, failed.fault());
  }

  @Test
  void theOtherFailuresHaveTheirOwnTypes() {
    assertEquals(ProblemType.FUNCTION_TIMEOUT, ProblemType.of(new Outcome.TimedOut("a1", null)));
    assertEquals(ProblemType.LIMIT_CLUSTER, ProblemType.of(new Outcome.Rejected("a1")));
    assertEquals(
        ProblemType.WORKER_UNAVAILABLE, ProblemType.of(new Outcome.Unavailable("a1", "none")));
    assertEquals(Fault.PLATFORM, new Outcome.Rejected("a1").fault());
    assertEquals(Fault.FUNCTION, new Outcome.TimedOut("a1", null).fault());
    // A record without a kind (an older worker's) counts as the platform's.
    assertEquals(ProblemType.PLATFORM_ERROR, ProblemType.of(new Outcome.Failed("a1", null, 1, null)));
  }

  @Test
  void docsApiMdListsEveryTypeWithItsStatus() throws IOException {
    Path apiMd = Path.of(System.getProperty("basedir", "."), "..", "docs", "api.md").normalize();
    Matcher row =
        Pattern.compile("(?m)^\\| `([a-z-]+)` \\| `(\\d{3})` \\|").matcher(Files.readString(apiMd));
    Map<String, Integer> documented = new TreeMap<>();
    while (row.find()) {
      documented.put(row.group(1), Integer.parseInt(row.group(2)));
    }
    Map<String, Integer> served =
        Arrays.stream(ProblemType.values())
            .collect(
                Collectors.toMap(
                    t -> t.uri().substring(ProblemType.BASE.length()),
                    t -> t.status().intValue(),
                    (a, b) -> a,
                    TreeMap::new));
    assertEquals(served, documented, "docs/api.md, \"Problem types\"");
  }
}
