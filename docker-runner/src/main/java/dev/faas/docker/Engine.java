package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * What every container of one runtime shares: the engine's two clients, the executor their
 * blocking calls run on, the settings, the engine's die events, the containers set aside, and
 * the ids of the containers the runtime holds (created and not yet removed or set aside).
 */
record Engine(
    DockerClient control,
    DockerClient streams,
    Executor executor,
    DockerSettings settings,
    DieEvents dieEvents,
    StuckContainers stuck,
    Set<String> owned) {}
