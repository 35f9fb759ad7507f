package dev.faas.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.faas.actors.activation.ActivationPage;
import dev.faas.actors.activation.ActivationRecord;
import java.time.Instant;
import java.util.List;

/**
 * A page of activation records as API.md's "Listing activations" shows it: each record as {@link
 * ActivationView} without {@code result} and {@code logs} (those are on {@code GET
 * /v1/activations/{id}}), and {@code nextCursor} only when there are more.
 */
record ActivationListView(
    List<Listed> activations, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {

  static ActivationListView of(ActivationPage page) {
    return new ActivationListView(
        page.activations().stream().map(Listed::of).toList(), page.nextCursor());
  }

  /** One record of a page: what {@link ActivationView} shows but the output. */
  record Listed(
      String activationId,
      String function,
      String status,
      String error,
      Integer exitCode,
      boolean logsTruncated,
      Instant startedAt,
      long durationMs,
      boolean warm,
      ActivationView.Timings timings,
      ActivationView.PreCall preCall) {

    static Listed of(ActivationRecord r) {
      ActivationView v = ActivationView.of(r);
      return new Listed(
          v.activationId(), v.function(), v.status(), v.error(), v.exitCode(), v.logsTruncated(),
          v.startedAt(), v.durationMs(), v.warm(), v.timings(), v.preCall());
    }
  }
}
