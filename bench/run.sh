#!/usr/bin/env bash
# The benchmark (bench/README.md): starts its own nats-server and one node on free loopback ports,
# builds the echo image, runs bench/Bench.java against them, and stops everything it started.
# --images: first calls with the image cached or not, from a registry of its own (issue 12).
# --tracing: the latency run twice, tracing off then on (FAAS_OTLP_ENDPOINT at a sink), and the
# ratio of their percentiles (issue 15).
#
#   bench/run.sh [--no-build] [--keep] [--images|--tracing] [harness options: --quick, --n N, ...]
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
export FAAS_ROOT=$(cd "$BENCH_DIR/.." && pwd)
cd "$FAAS_ROOT"
source scripts/prereqs.sh
source bench/lib.sh

BUILD=1
IMAGES_MODE=0
TRACING_MODE=0
HARNESS_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    --images) IMAGES_MODE=1; HARNESS_ARGS+=("$arg") ;;
    --tracing) TRACING_MODE=1 ;;
    -h|--help)
      sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
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
if [ "$IMAGES_MODE" = 1 ]; then
  # No pool: "cached" is then a cold start with the image present, and no pre-started container
  # holds the image the harness removes before each uncached call. The node's default image
  # policy, local-first, resolves the registry's tag (the engine does not have it) and pins it.
  export FAAS_WARM_POOL=false
  bench_start_node "$JAR"
  bench_start_registry
  bench_push_registry_image bench/echo:1
  bench_wait_ready
  bench_run_harness "$BENCH_DIR/Bench.java" --url "$BASE" --data-dir "$FAAS_DATA_DIR" --docker "$DOCKER" \
    --registry-image "$REGISTRY_HOST/bench/echo:1" --expect-digest "$PUSHED_DIGEST" \
    --out "$BENCH_DIR/results" "${HARNESS_ARGS[@]}"
  exit "$STATUS"
fi
if [ "$TRACING_MODE" = 1 ]; then
  # The same run twice on a fresh node each time (same NATS, same image): first without
  # FAAS_OTLP_ENDPOINT (no tracing at all), then exporting every span to a sink in the bench.
  bench_build_image "$IMAGE" '["cat"]'
  RUN_DIR="$BENCH_DIR/results/tracing-$(date -u +%Y-%m-%dT%H-%M-%SZ)"
  mkdir -p "$RUN_DIR/off" "$RUN_DIR/on"
  java "$BENCH_DIR/Tracing.java" sink "$WORK/sink.port" "$RUN_DIR/sink.txt" </dev/null >"$WORK/sink.log" 2>&1 &
  SINK_PID=$!
  for _ in $(seq 1 100); do [ -s "$WORK/sink.port" ] && break; sleep 0.2; done
  [ -s "$WORK/sink.port" ] || die "the OTLP sink did not start; see $WORK/sink.log"
  for phase in off on; do
    if [ "$phase" = on ]; then
      export FAAS_OTLP_ENDPOINT="http://127.0.0.1:$(cat "$WORK/sink.port")"
    else
      unset FAAS_OTLP_ENDPOINT
    fi
    say "Tracing $phase${FAAS_OTLP_ENDPOINT:+ (FAAS_OTLP_ENDPOINT=$FAAS_OTLP_ENDPOINT)}"
    bench_start_node "$JAR"
    bench_wait_ready
    bench_run_harness "$BENCH_DIR/Bench.java" --url "$BASE" --data-dir "$FAAS_DATA_DIR" --docker "$DOCKER" \
      --image "$IMAGE" --out "$RUN_DIR/$phase" "${HARNESS_ARGS[@]}"
    [ "$STATUS" = 0 ] || [ "$STATUS" = 3 ] || exit "$STATUS"
    stop_process "$NODE_PID" node 30
    NODE_PID=
    bench_remove_containers
    rm -rf "$WORK/node"
  done
  unset FAAS_OTLP_ENDPOINT
  stop_process "$SINK_PID" sink 5
  java "$BENCH_DIR/Tracing.java" compare "$(ls "$RUN_DIR"/off/*.csv)" "$(ls "$RUN_DIR"/on/*.csv)" \
    "$RUN_DIR/tracing.md" "$RUN_DIR/sink.txt"
  exit "$STATUS"
fi
bench_start_node "$JAR"
# Meanwhile, the function image: it writes back its stdin.
bench_build_image "$IMAGE" '["cat"]'
bench_wait_ready

bench_run_harness "$BENCH_DIR/Bench.java" --url "$BASE" --data-dir "$FAAS_DATA_DIR" --docker "$DOCKER" \
  --image "$IMAGE" --out "$BENCH_DIR/results" "${HARNESS_ARGS[@]}"
exit "$STATUS"
