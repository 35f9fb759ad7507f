package dev.faas.actors.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.ImageState;
import dev.faas.actors.model.ImageState.Status;
import dev.faas.actors.model.InputMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageStatusesTest {
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final String RUN = "reg.example/team/fn@" + DIGEST;
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

  private static FunctionSpec fn(ImageState state) {
    return new FunctionSpec(
        "alice", "fn", "reg.example/team/fn:1", state, 1000, 64, "", Map.of(), InputMode.STDIN,
        false, T0, T0);
  }

  private static ImagePullReport pulled(String worker) {
    return new ImagePullReport(RUN, worker, true, "", T0);
  }

  private static ImagePullReport failed(String worker, String why, int secondsLater) {
    return new ImagePullReport(RUN, worker, false, why, T0.plusSeconds(secondsLater));
  }

  @Test
  void anImageUsedAsItIsIsReadyWithoutReports() {
    assertEquals(Status.READY, ImageStatuses.of(fn(ImageState.asIs()), List.of()).status());
  }

  @Test
  void aPinnedImageNoWorkerReportedYetIsPending() {
    ImageState state = ImageStatuses.of(fn(ImageState.pinned(DIGEST)), List.of());
    assertEquals(Status.PENDING, state.status());
    assertEquals(DIGEST, state.digest());
  }

  @Test
  void oneWorkerHavingItIsEnoughWhateverTheOthersSay() {
    ImageState state =
        ImageStatuses.of(
            fn(ImageState.pinned(DIGEST)),
            List.of(failed("w1", "timeout", 1), pulled("w2"), failed("w3", "refused", 2)));
    assertEquals(Status.READY, state.status());
    assertEquals("", state.detail());
  }

  @Test
  void whenEveryWorkerThatTriedFailedItIsFailedWithTheLatestReason() {
    ImageState state =
        ImageStatuses.of(
            fn(ImageState.pinned(DIGEST)),
            List.of(failed("w1", "old reason", 1), failed("w2", "connection refused", 5)));
    assertEquals(Status.FAILED, state.status());
    assertTrue(state.detail().contains("connection refused"), state.detail());
    assertTrue(state.detail().contains(RUN), state.detail());
  }

  @Test
  void reportsAboutAnotherImageDoNotCount() {
    ImagePullReport other =
        new ImagePullReport("reg.example/team/fn@sha256:" + "b".repeat(64), "w1", true, "", T0);
    assertEquals(
        Status.PENDING,
        ImageStatuses.of(fn(ImageState.pinned(DIGEST)), List.of(other)).status());
  }

  @Test
  void theReportKeyIsTheImagesHashThenTheWorkerMadeKeySafe() {
    ImagePullReport report = new ImagePullReport(RUN, "node:1/a b", true, "", T0);
    assertTrue(report.key().startsWith(ImagePullReport.imageKey(RUN) + "."), report.key());
    assertTrue(report.key().matches("^[0-9a-f]{64}\\.[A-Za-z0-9_-]+$"), report.key());
  }
}
