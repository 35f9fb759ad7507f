# The FaaS node: one image for every role. FAAS_ROLES picks what a container does:
#   api          the REST API behind APISIX (FAAS_TLS=false there: the gateway terminates TLS)
#   worker       pulls activations from NATS and runs them as containers (needs a Docker engine)
#   api,worker   both, in one JVM (a single-node install)
# Every setting is a FAAS_* environment variable (API.md, "Configuration"; docs/deployment.md).
#
#   docker build -t faas-node .
#   docker run --rm -e FAAS_ROLES=api -e FAAS_NATS_URL=nats://nats:4222 -p 8443:8443 faas-node

# ---- build: the runnable jar, node/target/faas-node.jar ------------------------------------
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
# gcc and the static C library build faas-init, the PID 1 of function containers
# (docs/decisions/0006).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*

# The poms first: while they do not change, the dependency download below stays a cached layer
# and a source change rebuilds only the compile step.
COPY pom.xml ./
COPY actors/pom.xml actors/
COPY nats-bridge/pom.xml nats-bridge/
COPY docker-runner/pom.xml docker-runner/
COPY http/pom.xml http/
COPY node/pom.xml node/
# Best effort: a plugin resolved only later is fetched by the package step; the project's own
# modules are not in any repository yet, which go-offline reports without stopping the build.
RUN mvn -B -q -pl node -am dependency:go-offline -DexcludeReactor=true > /dev/null 2>&1 || true

COPY actors/src actors/src
COPY nats-bridge/src nats-bridge/src
COPY docker-runner/src docker-runner/src
COPY http/src http/src
COPY node/src node/src
# Tests run in CI (test.sh), against a real NATS server and Docker engine this build has not got.
RUN mvn -B -q -pl node -am -DskipTests package \
 && cp node/target/faas-node.jar /faas-node.jar

# ---- runtime: a JRE, the jar, an unprivileged user -----------------------------------------
FROM eclipse-temurin:17-jre

# A fixed uid/gid so volume ownership is predictable across hosts; no login shell, no home
# beyond the data directory.
RUN groupadd --system --gid 10001 faas \
 && useradd --system --uid 10001 --gid faas --home-dir /var/lib/faas --no-create-home \
      --shell /usr/sbin/nologin faas \
 && mkdir -p /var/lib/faas/data \
 && chown -R faas:faas /var/lib/faas

COPY --from=build --chown=root:root /faas-node.jar /opt/faas/faas-node.jar

ENV FAAS_DATA_DIR=/var/lib/faas/data \
    FAAS_PORT=8443 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1"

# The node writes only its data directory (a self-signed certificate when FAAS_TLS=true and no
# keystore is given). The jar is root-owned and read-only to the process.
WORKDIR /var/lib/faas
EXPOSE 8443

# Non-root for every role. A worker still needs a Docker engine, and how it reaches one decides
# how much that is worth (docs/deployment.md, "Workers and the Docker engine"):
#  - the host's /var/run/docker.sock mounted in: the simplest, but whoever can use that socket
#    can start a privileged container and own the host, so a worker with it is root-equivalent
#    on the host however unprivileged its own user is (it also needs `group_add` with the
#    socket's gid to open it);
#  - a Docker-in-Docker engine (docker:dind, privileged) beside the workers, reached over TCP
#    with TLS (FAAS_DOCKER_HOST=tcp://dind:2376, DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH): a
#    compromise is contained to that engine and its functions; what compose/ does;
#  - rootless Docker (dockerd-rootless, user namespaces) on the worker host, reached through its
#    user socket: no root daemon at all, at some cost in networking features and speed;
#  - a remote engine on a dedicated, disposable function host, TLS-protected, named by
#    FAAS_DOCKER_HOST: what Kumori needs, since a component there gets no socket and cannot run
#    privileged (kumori/README.md);
#  - sysbox (runc replacement) to run the inner engine unprivileged and isolated.
USER faas

# /healthz answers 200 while the process runs; readiness (/readyz: NATS, buckets and, for a
# worker, the engine) is left to the orchestrator's readiness probe. curl is in the base image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=3 \
  CMD scheme=https; [ "${FAAS_TLS:-true}" = "false" ] && scheme=http; \
      curl -fsk --max-time 2 "$scheme://127.0.0.1:${FAAS_PORT:-8443}/healthz" > /dev/null || exit 1

# The base image's entrypoint (optional CA import) execs this command.
CMD ["java", "-jar", "/opt/faas/faas-node.jar"]
