package dev.faas.actors.model;

import java.util.Objects;

/**
 * Where a function's image stands: what it was pinned to when it was registered or last updated,
 * and whether it can run.
 *
 * @param digest the content digest the reference resolved to ({@code sha256:...}), which every
 *     activation runs; null when the image is used as it is (a local image under local-first, or
 *     a function registered before images were pinned)
 * @param status {@code ready}, {@code pending} or {@code failed}
 * @param detail why it failed; empty otherwise
 */
public record ImageState(String digest, Status status, String detail) {

  /** Whether the function's image can run. */
  public enum Status {
    /** Resolved (and pinned when it came from a registry): activations run it. */
    READY,
    /** Being resolved. */
    PENDING,
    /** Could not be resolved; {@link ImageState#detail()} says why. */
    FAILED
  }

  public ImageState {
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
  }

  /** Pinned to {@code digest}, ready. */
  public static ImageState pinned(String digest) {
    return new ImageState(Objects.requireNonNull(digest, "digest"), Status.READY, "");
  }

  /** Ready, run by its reference as it is (no digest). */
  public static ImageState asIs() {
    return new ImageState(null, Status.READY, "");
  }
}
