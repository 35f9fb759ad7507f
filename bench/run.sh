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
source bench/lib.sh

BUILD=1
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
IMAGES=("$IMAGE")
PLATFORM=faas-bench
NODE_NAME=bench-worker

ensure_packages
ensure_dockerd
bench_ensure_jar "$BUILD"
bench_init faas-bench
bench_remove_containers

bench_start_nats
export FAAS_MAX_CONCURRENT=${FAAS_MAX_CONCURRENT:-16}
export FAAS_WORKER_SLOTS=${FAAS_WORKER_SLOTS:-8}
export FAAS_LOG_LEVEL=${FAAS_LOG_LEVEL:-WARN}
bench_start_node "$JAR"
# Meanwhile, the function image: it writes back its stdin.
bench_build_image "$IMAGE" '["cat"]'
bench_wait_ready

bench_run_harness "$BENCH_DIR/Bench.java" --url "$BASE" --data-dir "$FAAS_DATA_DIR" --docker "$DOCKER" \
  --image "$IMAGE" --out "$BENCH_DIR/results" "${HARNESS_ARGS[@]}"
exit "$STATUS"
