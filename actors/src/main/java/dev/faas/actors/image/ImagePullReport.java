package dev.faas.actors.image;

import java.time.Instant;

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
}
