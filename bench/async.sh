#!/usr/bin/env bash
# Asynchronous against synchronous throughput (bench/README.md, "Asynchronous activations"):
# starts its own nats-server and one node on free loopback ports, builds the echo image, runs
# bench/AsyncBench.java (N synchronous calls, then N asynchronous submissions and their drain, the
# same function), and stops everything it started.
#
#   bench/async.sh [--no-build] [--keep] [harness options: --n N, --callers C, --quick]
#
# --drain: issue 14's drain instead (bench/README.md, "The drain of two users"): a second node,
# API only, and N (default 1000) submissions of two users spread over both nodes, their records
# checked (none lost, none run twice, never more running than FAAS_ASYNC_CONCURRENCY).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
export FAAS_ROOT=$(cd "$BENCH_DIR/.." && pwd)
cd "$FAAS_ROOT"
source scripts/prereqs.sh
source bench/lib.sh

BUILD=1
DRAIN=0
HARNESS_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --drain) DRAIN=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) HARNESS_ARGS+=("$arg") ;;
  esac
done

IMAGE=faas-bench/echo:1
IMAGES=("$IMAGE")
PLATFORM=faas-bench-async
NODE_NAME=bench-async

ensure_packages
ensure_dockerd
bench_ensure_jar "$BUILD"
bench_init faas-bench-async
bench_remove_containers

bench_start_nats
export FAAS_MAX_CONCURRENT=${FAAS_MAX_CONCURRENT:-16}
export FAAS_WORKER_SLOTS=${FAAS_WORKER_SLOTS:-8}
# The same share of the limit for both: asynchronous activations may use all of it here.
export FAAS_ASYNC_CONCURRENCY=${FAAS_ASYNC_CONCURRENCY:-$FAAS_MAX_CONCURRENT}
export FAAS_LOG_LEVEL=${FAAS_LOG_LEVEL:-WARN}
bench_start_node "$JAR"
bench_build_image "$IMAGE" '["cat"]'
bench_wait_ready

if [ "$DRAIN" = 0 ]; then
  bench_run_harness "$BENCH_DIR/AsyncBench.java" --url "$BASE" --data-dir "$FAAS_DATA_DIR" \
    --image "$IMAGE" --out "$BENCH_DIR/results" "${HARNESS_ARGS[@]}"
  exit "$STATUS"
fi

# The drain: a second node, API only, on the same NATS (the first one, both roles, took the
# dispatcher's lease); stopped before the rest on exit.
API2_PID=
trap 'stop_process "$HARNESS_PID" harness 10; stop_process "$API2_PID" "second node" 30; bench_cleanup' EXIT
FIRST_BASE=$BASE
FIRST_DATA=$FAAS_DATA_DIR
FIRST_PID=$NODE_PID
FAAS_PORT=$(free_port)
FAAS_DATA_DIR=$WORK/api2
mkdir -p "$FAAS_DATA_DIR"
BASE=https://127.0.0.1:$FAAS_PORT
say "Starting a second node, API only, on $BASE"
# shellcheck disable=SC2086
FAAS_ROLES=api FAAS_NODE_NAME=$NODE_NAME-api2 setsid java $FAAS_JVM_FLAGS ${JAVA_OPTS:-} \
  -jar "$WORK/faas-node.jar" </dev/null >"$WORK/api2.log" 2>&1 &
API2_PID=$!
NODE_PID=$API2_PID bench_wait_ready
NODE_PID=$FIRST_PID
bench_run_harness "$BENCH_DIR/AsyncBench.java" --drain --n 1000 --users 2 \
  --url "$FIRST_BASE" --data-dir "$FIRST_DATA" --url "$BASE" --data-dir "$FAAS_DATA_DIR" \
  --concurrency "$FAAS_ASYNC_CONCURRENCY" --image "$IMAGE" --out "$BENCH_DIR/results" \
  "${HARNESS_ARGS[@]}"
exit "$STATUS"
