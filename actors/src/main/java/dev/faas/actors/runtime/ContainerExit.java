package dev.faas.actors.runtime;

/**
 * How a container's process ended.
 *
 * @param exitCode the process's exit code (137 when killed)
 * @param oomKilled true when the kernel killed it for exceeding its memory limit
 */
public record ContainerExit(int exitCode, boolean oomKilled) {}
