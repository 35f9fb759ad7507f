#!/usr/bin/env bash
# The soak (bench/README.md, "Soak"): starts its own nats-server and one node on free loopback
# ports, builds the function images, runs bench/Soak.java's mixed traffic against them for the
# given minutes, and stops everything it started. Exit 0: every target met; 3: a target missed.
#
#   bench/soak.sh [minutes] [--no-build] [--jar FILE] [--keep] [harness options: --callers N, ...]
#   (minutes, default 10, comes first when given)
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
export FAAS_ROOT=$(cd "$BENCH_DIR/.." && pwd)
cd "$FAAS_ROOT"
source scripts/prereqs.sh
source bench/lib.sh

BUILD=1
JAR_GIVEN=
MINUTES=10
if [[ "${1:-}" =~ ^[0-9]+([.][0-9]+)?$ ]]; then MINUTES=$1; shift; fi
HARNESS_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    --jar) JAR_GIVEN=$(realpath "${2:?--jar wants a file}"); shift ;;
    -h|--help)
      sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
      echo
      java "$BENCH_DIR/Soak.java" --help
      exit 0 ;;
    *) HARNESS_ARGS+=("$1") ;;
  esac
  shift
done

PLATFORM=faas-soak
NODE_NAME=soak-worker
PREFIX=faas-soak
IMAGES=("$PREFIX/echo:1" "$PREFIX/logs:1" "$PREFIX/fail:1" "$PREFIX/timeout:1" "$PREFIX/flood:1")

ensure_packages
ensure_dockerd
if [ -n "$JAR_GIVEN" ]; then
  JAR=$JAR_GIVEN
  [ -f "$JAR" ] || die "no $JAR"
else
  bench_ensure_jar "$BUILD"
fi
bench_init faas-soak
bench_remove_containers

bench_start_nats
# A low limit, so that a burst of a few calls passes it; as many slots, so that every admitted
# call has one. The warm pool keeps ./run.sh's defaults. INFO: the node's log tells what happened.
export FAAS_MAX_CONCURRENT=${FAAS_MAX_CONCURRENT:-6}
export FAAS_WORKER_SLOTS=${FAAS_WORKER_SLOTS:-6}
export FAAS_LOG_LEVEL=${FAAS_LOG_LEVEL:-INFO}
bench_start_node "$JAR"
# Meanwhile, the functions' images. Pre-started, echo and timeout wait on stdin as functions do;
# logs first writes a start-up log nobody reads yet; fail exits, and flood writes, before any call.
bench_build_image "$PREFIX/echo:1" '["cat"]'
bench_build_image "$PREFIX/logs:1" \
  '["sh","-c","yes soak-start-up-log | head -c 262144 >&2; cat; yes soak-log | head -c 1048576 >&2"]'
bench_build_image "$PREFIX/fail:1" '["sh","-c","echo failing on purpose >&2; exit 3"]'
bench_build_image "$PREFIX/timeout:1" '["sh","-c","cat >/dev/null; sleep 30"]'
bench_build_image "$PREFIX/flood:1" '["yes","flood"]'
bench_wait_ready
[ "$(cat "/proc/$NODE_PID/comm" 2>/dev/null)" = java ] || die "process $NODE_PID is not the node's JVM"

bench_run_harness "$BENCH_DIR/Soak.java" --url "$BASE" --data-dir "$FAAS_DATA_DIR" --docker "$DOCKER" \
  --jar "$JAR" --node-pid "$NODE_PID" --platform "$PLATFORM" --images "$PREFIX" --minutes "$MINUTES" \
  --burst $(( FAAS_MAX_CONCURRENT + 4 )) --out "$BENCH_DIR/results" "${HARNESS_ARGS[@]}"
exit "$STATUS"
