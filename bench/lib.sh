# Shared by bench/run.sh and bench/soak.sh, sourced after scripts/prereqs.sh: the jar, a private
# nats-server and node on free loopback ports, function images built from busybox, a loopback
# registry (run.sh --images), the harness run in the background, and the clean-up on exit, Ctrl-C
# or TERM. Not run on its own.
#
# The sourcing script sets PLATFORM (the node's FAAS_PLATFORM), NODE_NAME and IMAGES (an array of
# the images it builds), may set KEEP=1, and calls bench_init once before starting anything.

KEEP=${KEEP:-0}
NATS_PID=
NODE_PID=
HARNESS_PID=
SINK_PID=
REGISTRY_PID=
REGISTRY_REPO=
REGISTRY_RUN=
STATUS=1

# Builds node/target/faas-node.jar when it is missing or stale (BUILD=1), then fails if it is absent.
bench_ensure_jar() { # build(0|1)
  JAR=node/target/faas-node.jar
  if [ "$1" = 1 ] && jar_is_stale; then
    say "Building $JAR"
    mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests \
      || die "the build failed (--no-build uses the jar as it is)"
  fi
  [ -f "$JAR" ] || die "no $JAR (build it: mvn -B -q -o install -DskipTests)"
}

# A temporary directory for logs and state, and the traps that stop everything at the end.
bench_init() { # prefix
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'STATUS=130; exit 130' INT
  trap 'STATUS=143; exit 143' TERM
}

# Every container of the platform or of one of its images. Bounded: a container the engine no
# longer answers for would hang `docker rm` until the node holding it has exited.
bench_remove_containers() {
  local ids image
  ids=$( { timeout 20 $DOCKER ps -aq --filter "label=dev.faas.platform=$PLATFORM"
           for image in "${IMAGES[@]}"; do
             timeout 20 $DOCKER ps -aq --filter "ancestor=$image"
           done; } 2>/dev/null | sort -u)
  if [ -n "$ids" ]; then
    say "Removing $(echo "$ids" | wc -l) leftover $PLATFORM container(s)"
    # shellcheck disable=SC2086
    timeout 60 $DOCKER rm -f $ids >/dev/null 2>&1 || say "docker rm -f did not finish in 60 s"
  fi
}

stop_process() { # pid name seconds
  local pid=$1 name=$2 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 $(( $3 * 4 ))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "The $name did not stop in $3 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  trap - INT TERM EXIT
  stop_process "$HARNESS_PID" harness 10
  stop_process "$NODE_PID" node 30
  stop_process "$SINK_PID" "OTLP sink" 5
  stop_process "$NATS_PID" nats-server 10
  bench_remove_containers
  bench_stop_registry
  if [ "$STATUS" = 0 ] && [ "$KEEP" = 0 ]; then
    rm -rf "$WORK"
  else
    say "Logs and state kept in $WORK (node.log, nats.log)"
  fi
  exit "$STATUS"
}

# A port nothing listens on (bash's /dev/tcp: connecting fails).
free_port() {
  local p _
  for _ in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

# nats-server: JetStream, 8 MB payloads, a store of its own, loopback only. Exports FAAS_NATS_URL.
bench_start_nats() {
  local port _
  port=$(free_port)
  mkdir -p "$WORK/nats"
  cat >"$WORK/nats.conf" <<CONF
listen: "127.0.0.1:$port"
max_payload: 8MB
jetstream { store_dir: "$WORK/nats" }
CONF
  say "Starting nats-server on 127.0.0.1:$port"
  setsid nats-server -c "$WORK/nats.conf" -l "$WORK/nats.log" </dev/null >/dev/null 2>&1 &
  NATS_PID=$!
  export FAAS_NATS_URL="nats://127.0.0.1:$port"
  for _ in $(seq 1 60); do
    nats_answers && return 0
    kill -0 "$NATS_PID" 2>/dev/null || die "nats-server exited; see $WORK/nats.log"
    sleep 0.25
  done
  die "nats-server does not answer; see $WORK/nats.log"
}

# One node with roles api,worker from a copy of the jar (a rebuild during the run cannot pull it
# from under the JVM), HTTPS with its self-signed certificate, on a free loopback port. The caller
# exports FAAS_WORKER_SLOTS, FAAS_MAX_CONCURRENT and FAAS_LOG_LEVEL. Sets NODE_PID and BASE.
bench_start_node() { # jar
  cp "$1" "$WORK/faas-node.jar"
  export FAAS_ROLES=api,worker
  FAAS_PORT=$(free_port)
  export FAAS_PORT
  export FAAS_BIND=127.0.0.1
  export FAAS_TLS=true
  export FAAS_DATA_DIR=$WORK/node
  export FAAS_PLATFORM=$PLATFORM
  export FAAS_NODE_NAME=$NODE_NAME
  export FAAS_TOKEN_TTL=12h
  unset FAAS_TLS_KEYSTORE FAAS_TLS_KEYSTORE_PASSWORD
  mkdir -p "$FAAS_DATA_DIR"
  BASE=https://127.0.0.1:$FAAS_PORT
  say "Starting the node on $BASE (slots $FAAS_WORKER_SLOTS, max concurrent $FAAS_MAX_CONCURRENT)"
  # setsid execs in place (a background job is no group leader): NODE_PID is the JVM's own.
  # shellcheck disable=SC2086
  setsid java $FAAS_JVM_FLAGS ${JAVA_OPTS:-} -jar "$WORK/faas-node.jar" </dev/null >"$WORK/node.log" 2>&1 &
  NODE_PID=$!
}

# A function image: FROM scratch, busybox from busybox-static with its applets, and CMD (JSON).
# Images share the busybox layers, so every build after the first is a cache hit but for its CMD.
# No network: the RUN step needs none, and an engine without its default bridge cannot give one.
bench_build_image() { # tag cmd-json
  local busybox=/usr/bin/busybox file
  [ -x "$busybox" ] || busybox=/bin/busybox
  mkdir -p "$WORK/image"
  [ -f "$WORK/image/busybox" ] || cp "$busybox" "$WORK/image/busybox"
  file="$WORK/image/Dockerfile.$(echo "$1" | tr -c 'a-zA-Z0-9\n' '_')"
  cat >"$file" <<DOCKERFILE
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
CMD $2
DOCKERFILE
  say "Building $1"
  DOCKER_BUILDKIT=0 $DOCKER build -q --network none -f "$file" -t "$1" "$WORK/image" >/dev/null \
    || die "docker build of $1 failed"
}

# A registry of its own (Debian's docker-registry, the CNCF Distribution registry) on a free
# loopback port, storing into $WORK/registry; the engine pushes to and pulls from 127.0.0.1
# registries over plain HTTP with no daemon change. Sets REGISTRY_PID and REGISTRY_HOST.
bench_start_registry() {
  local port _
  if [ ! -x /usr/bin/docker-registry ]; then
    say "Installing docker-registry"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null
  fi
  port=$(free_port)
  REGISTRY_HOST=127.0.0.1:$port
  mkdir -p "$WORK/registry/data"
  cat >"$WORK/registry/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/registry/data
  delete:
    enabled: true
http:
  addr: $REGISTRY_HOST
CONF
  say "Starting a registry on $REGISTRY_HOST"
  setsid /usr/bin/docker-registry serve "$WORK/registry/config.yml" </dev/null >"$WORK/registry.log" 2>&1 &
  REGISTRY_PID=$!
  for _ in $(seq 1 80); do
    curl -sf "http://$REGISTRY_HOST/v2/" >/dev/null 2>&1 && return 0
    kill -0 "$REGISTRY_PID" 2>/dev/null || die "docker-registry exited; see $WORK/registry.log"
    sleep 0.25
  done
  die "the registry does not answer; see $WORK/registry.log"
}

# Builds the echo image with a first layer of this run's own (so every layer's chain is new: no
# other image on the engine shares one, and removing this image really removes its layers), pushes
# it as $REGISTRY_HOST/REPO:TAG, and removes it from the engine again (under local-first an image
# the engine has under the function's reference is used as it is, never pulled). Sets
# REGISTRY_REPO and PUSHED_DIGEST.
bench_push_registry_image() { # repo:tag
  local ref=$REGISTRY_HOST/$1 ctx=$WORK/registry-image busybox=/usr/bin/busybox id out
  REGISTRY_REPO=$REGISTRY_HOST/${1%%:*}
  REGISTRY_RUN=$(basename "$WORK")
  [ -x "$busybox" ] || busybox=/bin/busybox
  mkdir -p "$ctx"
  cp "$busybox" "$ctx/busybox"
  echo "faas-bench images $REGISTRY_RUN $(date -u +%FT%TZ)" >"$ctx/run-id"
  # The label marks the build's intermediate images too, so a failed build leaves none behind.
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
LABEL dev.faas.bench-images=$REGISTRY_RUN
COPY run-id /etc/faas-bench-run
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
CMD ["cat"]
DOCKERFILE
  say "Building $ref"
  DOCKER_BUILDKIT=0 timeout 300 $DOCKER build -q --no-cache --force-rm --network none -t "$ref" "$ctx" >/dev/null \
    || die "docker build of $ref failed"
  id=$($DOCKER image inspect --format '{{.Id}}' "$ref")
  say "Pushing $ref"
  out=$(timeout 120 $DOCKER push "$ref") || die "docker push of $ref failed: $out"
  PUSHED_DIGEST=$(echo "$out" | grep -o 'digest: sha256:[0-9a-f]*' | head -n 1 | cut -d' ' -f2)
  [ -n "$PUSHED_DIGEST" ] || die "no digest in the output of docker push: $out"
  timeout 60 $DOCKER image rm -f "$id" >/dev/null || die "could not remove $ref after its push"
  ! $DOCKER image inspect "$id" >/dev/null 2>&1 || die "$ref ($id) is still on the engine"
}

# Stops the registry, removes every image of its repository from the engine (the workers' and the
# baseline's pulls) and deletes its storage, whether the run is kept or not.
bench_stop_registry() {
  local ids
  stop_process "$REGISTRY_PID" registry 10
  if [ -n "$REGISTRY_REPO" ]; then
    ids=$(bench_registry_images)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || timeout 60 $DOCKER image rm -f $ids >/dev/null 2>&1 || true
    ids=$(bench_registry_images)
    [ -z "$ids" ] || say "could not remove these images of $REGISTRY_REPO: $ids"
  fi
  rm -rf "$WORK/registry" "$WORK/registry-image"
}

bench_registry_images() {
  { timeout 20 $DOCKER images -q --no-trunc "$REGISTRY_REPO"
    timeout 20 $DOCKER images -aq --no-trunc --filter "label=dev.faas.bench-images=$REGISTRY_RUN"
  } 2>/dev/null | sort -u
}

bench_wait_ready() {
  local _
  for _ in $(seq 1 240); do
    if curl -sf -k "$BASE/readyz" >/dev/null 2>&1; then say "The node is ready"; return 0; fi
    kill -0 "$NODE_PID" 2>/dev/null || { tail -n 40 "$WORK/node.log" >&2; die "the node exited"; }
    sleep 0.5
  done
  tail -n 40 "$WORK/node.log" >&2
  die "the node is not ready after 120 s"
}

# Runs the harness in the background and waits for it, so INT or TERM reach the trap at once, not
# after the run. Sets STATUS to its exit code (3: a target missed).
bench_run_harness() { # java-file args...
  java "$@" </dev/null &
  HARNESS_PID=$!
  set +e
  wait "$HARNESS_PID"
  STATUS=$?
  set -e
  HARNESS_PID=
  if [ "$STATUS" != 0 ] && [ "$STATUS" != 3 ]; then
    say "The harness failed (exit $STATUS); the node's last lines:"
    tail -n 20 "$WORK/node.log" >&2
  fi
}
