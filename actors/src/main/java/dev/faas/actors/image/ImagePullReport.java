package dev.faas.actors.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * What one worker last saw of one image it pulled for functions: it has it, or its pull failed
 * and why. The API answers a function's {@code status} from these reports.
 *
 * @param image the run image ({@code repository@digest})
 * @param worker the worker's id
 * @param pulled true: the worker has the image; false: its pull failed
 * @param detail why the pull failed; empty when pulled
 * @param at when the worker saw it
 */
public record ImagePullReport(
    String image, String worker, boolean pulled, String detail, Instant at) {
  public ImagePullReport {
    detail = detail == null ? "" : detail;
  }

  /** Where the report is kept: {@link #imageKey} of the image, then the worker. */
  public String key() {
    return imageKey(image) + "." + worker.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** The prefix of every report's key about {@code image}: its SHA-256, hex (names may not be keys). */
  public static String imageKey(String image) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(image.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
