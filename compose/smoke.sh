#!/usr/bin/env bash
# Smoke test of compose/docker-compose.yml on a machine that reaches no container registry:
# builds every image it needs locally, brings the stack up without APISIX (3 NATS servers, the
# API nodes, the workers, the image registry), pushes a function image to the registry from the
# host as a user would, registers it through the API (pinned to the digest the push printed;
# a reference the registry lacks refused), invokes it (the engine pulls it: the local copy is
# removed first), checks the result and tears everything down.
#
#   compose/smoke.sh                 # as root (debootstrap and the Docker engine need it)
#   SMOKE_KEEP=1 compose/smoke.sh    # leave the stack running afterwards
#
# Images: faas-smoke/base:bookworm-2 is a Debian root filesystem made with debootstrap (JRE, curl,
# wget, nats-server, docker-registry) and imported once; faas-node:smoke is node/target/faas-node.jar on it; the
# NATS services run Debian's nats-server and the registry Debian's docker-registry from the same
# base; the function is busybox FROM scratch. docker:dind cannot be pulled, so
# compose/smoke.override.yml gives the workers the host's engine socket (development only:
# docs/deployment.md, section 5); for that engine to pull registry:5000/..., the run maps the
# name `registry` to 127.0.0.1 in /etc/hosts and trusts the registry's CA in
# /etc/docker/certs.d/registry:5000/, and removes both at the end. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PROJECT=faas-smoke
BASE=faas-smoke/base:bookworm-2
NODE_IMAGE=faas-node:smoke
FUNCTION_IMAGE=faas-smoke/echo:1
# Pushed from the host through the registry's loopback port; registered by its name inside.
REGISTRY_PORT=$(sed -n 's/^REGISTRY_PORT=//p' compose/.env | tail -1)
PUSHED_AS=127.0.0.1:$REGISTRY_PORT/smoke/echo:1
REGISTERED_AS=registry:5000/smoke/echo:1
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
    --include=openjdk-17-jre-headless,curl,wget,ca-certificates,nats-server,docker-registry \
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
HOSTS_LINE="127.0.0.1 registry # faas compose/smoke.sh"
TRUST_DIR=/etc/docker/certs.d/registry:5000
added_hosts=0
added_trust=0
export SMOKE_DOCKER_GID
SMOKE_DOCKER_GID=$(stat -c %g /var/run/docker.sock)

teardown() {
  rm -rf "$ctx"
  if [ "${SMOKE_KEEP:-0}" = 1 ]; then
    say "Left running: ${COMPOSE[*]} down -v   stops it (/etc/hosts and $TRUST_DIR keep the smoke's entries)"
    return
  fi
  say "Tearing the stack down"
  "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  # What the host's engine pulled for the workers, and what the run added to the host.
  docker image ls -q registry:5000/smoke/echo | sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
  docker rmi "$PUSHED_AS" "$FUNCTION_IMAGE" >/dev/null 2>&1 || true
  [ "$added_hosts" = 1 ] && sed -i "\|^$HOSTS_LINE\$|d" /etc/hosts
  [ "$added_trust" = 1 ] && rm -rf "$TRUST_DIR"
  return 0
}
trap teardown EXIT

# ---- the registry, and the host's engine made to see it as the workers' engine would -----------
compose/gen-dev-cert.sh >/dev/null
if ! grep -qE '^[^#]*[[:space:]]registry([[:space:]]|$)' /etc/hosts; then
  echo "$HOSTS_LINE" >> /etc/hosts
  added_hosts=1
elif ! grep -qE '^127\.0\.0\.1[^#]*[[:space:]]registry([[:space:]]|$)' /etc/hosts; then
  die "/etc/hosts maps the name 'registry' elsewhere; the smoke needs it for 127.0.0.1"
fi
if [ ! -e "$TRUST_DIR/ca.crt" ]; then
  mkdir -p "$TRUST_DIR"
  cp compose/certs/registry/ca.crt "$TRUST_DIR/ca.crt"
  added_trust=1
fi

say "Starting the registry; pushing $PUSHED_AS from the host"
"${COMPOSE[@]}" up -d registry
for i in $(seq 1 30); do
  curl -fs --cacert compose/certs/registry/ca.crt "https://localhost:$REGISTRY_PORT/v2/" >/dev/null && break
  [ "$i" = 30 ] && { "${COMPOSE[@]}" logs --tail=50 registry; die "the registry did not answer on 127.0.0.1:$REGISTRY_PORT"; }
  sleep 1
done
docker tag "$FUNCTION_IMAGE" "$PUSHED_AS"
pushed_digest=$(docker push "$PUSHED_AS" | sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p')
[ -n "$pushed_digest" ] || die "docker push $PUSHED_AS printed no digest"
# The worker must pull it: the host's engine is the workers' engine in this smoke.
docker rmi "$PUSHED_AS" "$FUNCTION_IMAGE" >/dev/null

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
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1]) or "")' "$1"; }

# Under FAAS_IMAGE_POLICY=registry a reference the registry lacks is refused, never run.
out=$(api POST /v1/functions '{"name":"missing","image":"registry:5000/smoke/missing:1"}' "$token")
[ "$(status_of "$out")" = 400 ] || die "POST /v1/functions with an image the registry lacks: $out"

out=$(api POST /v1/functions "{\"name\":\"echo\",\"image\":\"$REGISTERED_AS\"}" "$token")
[ "$(status_of "$out")" = 201 ] || die "POST /v1/functions: $out"
say "Waiting for the function to be pinned to $pushed_digest"
for i in $(seq 1 30); do
  out=$(api GET /v1/functions/echo '' "$token")
  state=$(body_of "$out" | json_field status)
  [ "$state" = pending ] || break
  sleep 1
done
[ "$state" = ready ] || die "function status [$state]: $out"
[ "$(body_of "$out" | json_field imageDigest)" = "$pushed_digest" ] \
  || die "imageDigest is not the pushed digest $pushed_digest: $out"

say "Waiting for a worker, then invoking the function"
for i in $(seq 1 60); do
  out=$(api POST /v1/functions/echo/invoke 'world' "$token")
  [ "$(status_of "$out")" = 503 ] || break
  sleep 2
done
[ "$(status_of "$out")" = 200 ] || die "POST /v1/functions/echo/invoke: $out"
[ "$(body_of "$out")" = "hello world" ] || die "unexpected result: [$(body_of "$out")]"

docker image ls --digests registry:5000/smoke/echo | grep -q "$pushed_digest" \
  || die "the engine holds no registry:5000/smoke/echo@$pushed_digest: what did the worker run?"

say "Smoke test passed: the function, pulled from the registry at $pushed_digest, answered [$(body_of "$out")] through the compose stack"
