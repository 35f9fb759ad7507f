#!/usr/bin/env bash
# Smoke test of compose/docker-compose.yml on a machine that reaches no container registry:
# builds every image it needs locally, brings the stack up without APISIX (3 NATS servers, the
# API nodes, the workers), registers a user and a function through the API, invokes it, checks
# the result and tears everything down.
#
#   compose/smoke.sh                 # as root (debootstrap and the Docker engine need it)
#   SMOKE_KEEP=1 compose/smoke.sh    # leave the stack running afterwards
#
# Images: faas-smoke/base:bookworm is a Debian root filesystem made with debootstrap (JRE, curl,
# wget, nats-server) and imported once; faas-node:smoke is node/target/faas-node.jar on it; the
# NATS services run Debian's nats-server from the same base; the function is busybox FROM scratch.
# docker:dind cannot be pulled, so compose/smoke.override.yml gives the workers the host's engine
# socket (development only: docs/deployment.md, section 5). Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PROJECT=faas-smoke
BASE=faas-smoke/base:bookworm
NODE_IMAGE=faas-node:smoke
FUNCTION_IMAGE=faas-smoke/echo:1
COMPOSE=(docker-compose -p "$PROJECT" -f compose/docker-compose.yml -f compose/smoke.override.yml)

source scripts/prereqs.sh   # say, die, ensure_packages, ensure_dockerd
export PATH="$PATH:/usr/sbin:/sbin"

[ "$(id -u)" -eq 0 ] || die "run as root: debootstrap and docker need it"
ensure_packages
command -v docker-compose >/dev/null || apt-get install -y -qq docker-compose >/dev/null
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
ensure_dockerd
docker() { /usr/bin/docker "$@"; }

# ---- images ----------------------------------------------------------------------------------
if [ ! -s node/target/faas-node.jar ] || [ "${SMOKE_REBUILD:-0}" = 1 ]; then
  say "Building node/target/faas-node.jar"
  mvn -B -q -DskipTests -pl node -am package
fi

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  rootfs=$(mktemp -d)
  say "Making $BASE with debootstrap from $mirror (once; a few minutes)"
  debootstrap --variant=minbase \
    --include=openjdk-17-jre-headless,curl,wget,ca-certificates,nats-server \
    bookworm "$rootfs" "$mirror" > /tmp/faas-smoke-debootstrap.log 2>&1 \
    || die "debootstrap failed: see /tmp/faas-smoke-debootstrap.log"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . \
    | docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$BASE" >/dev/null
  rm -rf "$rootfs"
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp node/target/faas-node.jar "$ctx/"
# The runtime stage of /Dockerfile, on the local base instead of eclipse-temurin:17-jre.
cat > "$ctx/Dockerfile" <<EOF
FROM $BASE
RUN groupadd --system --gid 10001 faas \\
 && useradd --system --uid 10001 --gid faas --home-dir /var/lib/faas --no-create-home --shell /usr/sbin/nologin faas \\
 && mkdir -p /var/lib/faas/data && chown -R faas:faas /var/lib/faas
COPY faas-node.jar /opt/faas/faas-node.jar
ENV FAAS_DATA_DIR=/var/lib/faas/data FAAS_PORT=8443 JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1"
WORKDIR /var/lib/faas
USER faas
CMD ["java", "-jar", "/opt/faas/faas-node.jar"]
EOF
say "Building $NODE_IMAGE"
docker build -q -t "$NODE_IMAGE" "$ctx" >/dev/null

fctx=$ctx/function
mkdir -p "$fctx"
cp "$(command -v busybox)" "$fctx/busybox"
cat > "$fctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
CMD ["/bin/sh", "-c", "read -r line || true; printf 'hello %s' \"$line\""]
EOF
say "Building $FUNCTION_IMAGE"
docker build -q -t "$FUNCTION_IMAGE" "$fctx" >/dev/null

# ---- the stack -------------------------------------------------------------------------------
export SMOKE_DOCKER_GID
SMOKE_DOCKER_GID=$(stat -c %g /var/run/docker.sock)

teardown() {
  rm -rf "$ctx"
  if [ "${SMOKE_KEEP:-0}" = 1 ]; then
    say "Left running: ${COMPOSE[*]} down -v   stops it"
  else
    say "Tearing the stack down"
    "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  fi
}
trap teardown EXIT

say "Starting NATS x3, the API nodes and the workers (no APISIX)"
"${COMPOSE[@]}" up -d api worker

# Calls go from a throwaway container on the internal `core` network, where `api` resolves to
# every API replica.
api() { # METHOD PATH [BODY] [TOKEN] -> prints "STATUS BODY"
  local args=(-s -o /dev/stdout -w ' %{http_code}' -X "$1" "http://api:8080$2")
  [ -n "${3:-}" ] && args+=(--data-binary "$3" -H 'Content-Type: application/json')
  [ -n "${4:-}" ] && args+=(-H "Authorization: Bearer $4")
  docker run --rm --network "${PROJECT}_core" "$BASE" curl "${args[@]}"
}
status_of() { echo "${1##* }"; }
body_of() { echo "${1% *}"; }

say "Waiting for an API node to be ready"
for i in $(seq 1 90); do
  if [ "$(status_of "$(api GET /readyz || echo ' 000')")" = 200 ]; then break; fi
  [ "$i" = 90 ] && { "${COMPOSE[@]}" ps; "${COMPOSE[@]}" logs --tail=50; die "no API node ready after 180 s"; }
  sleep 2
done

user="smoke$RANDOM"
out=$(api POST /v1/users "{\"username\":\"$user\",\"password\":\"smoke-password-1\"}")
[ "$(status_of "$out")" = 201 ] || die "POST /v1/users: $out"
out=$(api POST /v1/tokens "{\"username\":\"$user\",\"password\":\"smoke-password-1\"}")
[ "$(status_of "$out")" = 200 ] || die "POST /v1/tokens: $out"
token=$(body_of "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
out=$(api POST /v1/functions "{\"name\":\"echo\",\"image\":\"$FUNCTION_IMAGE\"}" "$token")
[ "$(status_of "$out")" = 201 ] || die "POST /v1/functions: $out"

say "Waiting for a worker, then invoking the function"
for i in $(seq 1 60); do
  out=$(api POST /v1/functions/echo/invoke 'world' "$token")
  [ "$(status_of "$out")" = 503 ] || break
  sleep 2
done
[ "$(status_of "$out")" = 200 ] || die "POST /v1/functions/echo/invoke: $out"
[ "$(body_of "$out")" = "hello world" ] || die "unexpected result: [$(body_of "$out")]"

say "Smoke test passed: the function answered [$(body_of "$out")] through the compose stack"
