#!/usr/bin/env bash
# The benchmark (bench/README.md): starts its own nats-server and one node on free loopback ports,
# builds the echo image, runs bench/Bench.java against them, and stops everything it started.
#
#   bench/run.sh [--no-build] [--keep] [harness options: --quick, --n N, --concurrency C,
#                                       --throughput-seconds D, --strict, ...]
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
export FAAS_ROOT=$(cd "$BENCH_DIR/.." && pwd)
cd "$FAAS_ROOT"
source scripts/prereqs.sh

BUILD=1
KEEP=0
HARNESS_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    -h|--help)
      sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
      echo
      java "$BENCH_DIR/Bench.java" --help
      exit 0 ;;
    *) HARNESS_ARGS+=("$arg") ;;
  esac
done

IMAGE=faas-bench/echo:1
PLATFORM=faas-bench

ensure_packages
ensure_dockerd

JAR=node/target/faas-node.jar
if [ "$BUILD" = 1 ] && jar_is_stale; then
  say "Building $JAR"
  mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests \
    || die "the build failed (bench/run.sh --no-build uses the jar as it is)"
fi
[ -f "$JAR" ] || die "no $JAR (build it: mvn -B -q -o install -DskipTests)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/faas-bench.XXXXXX")
NATS_PID=
NODE_PID=
HARNESS_PID=
STATUS=1

remove_containers() {
  local ids
  ids=$( { $DOCKER ps -aq --filter "label=dev.faas.platform=$PLATFORM"
           $DOCKER ps -aq --filter "ancestor=$IMAGE"; } 2>/dev/null | sort -u)
  if [ -n "$ids" ]; then
    say "Removing $(echo "$ids" | wc -l) leftover $PLATFORM container(s)"
    # shellcheck disable=SC2086
    $DOCKER rm -f $ids >/dev/null 2>&1 || true
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

cleanup() {
  trap - INT TERM EXIT
  stop_process "$HARNESS_PID" harness 10
  stop_process "$NODE_PID" node 30
  stop_process "$NATS_PID" nats-server 10
  remove_containers
  if [ "$STATUS" = 0 ] && [ "$KEEP" = 0 ]; then
    rm -rf "$WORK"
  else
    say "Logs and state kept in $WORK (node.log, nats.log)"
  fi
  exit "$STATUS"
}
trap cleanup EXIT
trap 'STATUS=130; exit 130' INT
trap 'STATUS=143; exit 143' TERM

# A port nothing listens on (bash's /dev/tcp: connecting fails).
free_port() {
  local p _
  for _ in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

remove_containers

# --- nats-server: JetStream, 8 MB payloads, a store of its own, loopback only
NATS_PORT=$(free_port)
mkdir -p "$WORK/nats"
cat >"$WORK/nats.conf" <<CONF
listen: "127.0.0.1:$NATS_PORT"
max_payload: 8MB
jetstream { store_dir: "$WORK/nats" }
CONF
say "Starting nats-server on 127.0.0.1:$NATS_PORT"
setsid nats-server -c "$WORK/nats.conf" -l "$WORK/nats.log" </dev/null >/dev/null 2>&1 &
NATS_PID=$!
export FAAS_NATS_URL="nats://127.0.0.1:$NATS_PORT"
for _ in $(seq 1 60); do
  nats_answers && break
  kill -0 "$NATS_PID" 2>/dev/null || die "nats-server exited; see $WORK/nats.log"
  sleep 0.25
done
nats_answers || die "nats-server does not answer; see $WORK/nats.log"

# --- the node: a copy of the jar, so a rebuild during the run cannot pull it from under the JVM
cp "$JAR" "$WORK/faas-node.jar"
NODE_PORT=$(free_port)
export FAAS_ROLES=api,worker
export FAAS_PORT=$NODE_PORT
export FAAS_BIND=127.0.0.1
export FAAS_TLS=true
export FAAS_DATA_DIR=$WORK/node
export FAAS_PLATFORM=$PLATFORM
export FAAS_NODE_NAME=bench-worker
export FAAS_MAX_CONCURRENT=${FAAS_MAX_CONCURRENT:-16}
export FAAS_WORKER_SLOTS=${FAAS_WORKER_SLOTS:-8}
export FAAS_TOKEN_TTL=12h
export FAAS_LOG_LEVEL=${FAAS_LOG_LEVEL:-WARN}
unset FAAS_TLS_KEYSTORE FAAS_TLS_KEYSTORE_PASSWORD
mkdir -p "$FAAS_DATA_DIR"
BASE=https://127.0.0.1:$NODE_PORT
say "Starting the node on $BASE (slots $FAAS_WORKER_SLOTS, max concurrent $FAAS_MAX_CONCURRENT)"
# shellcheck disable=SC2086
setsid java $FAAS_JVM_FLAGS ${JAVA_OPTS:-} -jar "$WORK/faas-node.jar" </dev/null >"$WORK/node.log" 2>&1 &
NODE_PID=$!

# --- the function image, meanwhile: FROM scratch + busybox, cat as its command
BUSYBOX=/usr/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=/bin/busybox
mkdir -p "$WORK/image"
cp "$BUSYBOX" "$WORK/image/busybox"
cat >"$WORK/image/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
CMD ["cat"]
DOCKERFILE
say "Building $IMAGE"
DOCKER_BUILDKIT=0 $DOCKER build -q -t "$IMAGE" "$WORK/image" >/dev/null \
  || die "docker build of $IMAGE failed"

ready=0
for _ in $(seq 1 240); do
  if curl -sf -k "$BASE/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$NODE_PID" 2>/dev/null || { tail -n 40 "$WORK/node.log" >&2; die "the node exited"; }
  sleep 0.5
done
[ "$ready" = 1 ] || { tail -n 40 "$WORK/node.log" >&2; die "the node is not ready after 120 s"; }
say "The node is ready"

# In the background and waited for, so INT or TERM reach the trap at once, not after the run.
java "$BENCH_DIR/Bench.java" --url "$BASE" --data-dir "$FAAS_DATA_DIR" --docker "$DOCKER" \
  --image "$IMAGE" --out "$BENCH_DIR/results" "${HARNESS_ARGS[@]}" </dev/null &
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
exit "$STATUS"
