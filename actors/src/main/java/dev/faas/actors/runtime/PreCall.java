package dev.faas.actors.runtime;

/**
 * What a container started ahead of its call did before the call came (docs/decisions/0008): a
 * pre-started container may initialise while it waits in the pool, within a CPU budget, and is
 * frozen once it has spent it.
 *
 * @param cpuMs the CPU time its processes used before the call's input arrived, in
 *     milliseconds; null when the runtime cannot measure it
 * @param frozen true when it had been frozen (its budget spent) and was thawed for the call
 */
public record PreCall(Long cpuMs, boolean frozen) {}
