package dev.faas.actors.runtime;

import java.time.Instant;

/**
 * The pull of its image a container's start waited for (its own, or one under way that it
 * joined): for the worker's trace of the activation (docs/decisions/0022).
 *
 * @param image the image pulled
 * @param from when the start began waiting for it
 * @param to when the image was on the engine
 */
public record ImagePull(String image, Instant from, Instant to) {}
