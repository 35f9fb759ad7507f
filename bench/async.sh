#!/usr/bin/env bash
# Asynchronous against synchronous throughput (bench/README.md, "Asynchronous activations"):
# starts its own nats-server and one node on free loopback ports, builds the echo image, runs
# bench/AsyncBench.java (N synchronous calls, then N asynchronous submissions and their drain, the
# same function), and stops everything it started.
#
#   bench/async.sh [--no-build] [--keep] [harness options: --n N, --callers C, --quick]
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
export FAAS_ROOT=$(cd "$BENCH_DIR/.." && pwd)
cd "$FAAS_ROOT"
source scripts/prereqs.sh
source bench/lib.sh

BUILD=1
HARNESS_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

bench_run_harness "$BENCH_DIR/AsyncBench.java" --url "$BASE" --data-dir "$FAAS_DATA_DIR" \
  --image "$IMAGE" --out "$BENCH_DIR/results" "${HARNESS_ARGS[@]}"
exit "$STATUS"
