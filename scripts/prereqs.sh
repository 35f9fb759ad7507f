# Shared by run.sh and test.sh: installs what a fresh Debian machine lacks and starts the Docker
# engine. Sourced, not run. Every step is a no-op when its work is already done.

FAAS_ROOT=${FAAS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
FAAS_LOG_DIR=${FAAS_LOG_DIR:-$FAAS_ROOT/data/logs}
DOCKER=/usr/bin/docker

# The node's JVM flags, before JAVA_OPTS (which can override them): C1 only, no C2. On a 2-core
# machine shared with the Docker engine, C2's compiling was a third of the node's CPU in the
# throughput benchmark, even minutes into a run (docs/decisions/0007).
FAAS_JVM_FLAGS=${FAAS_JVM_FLAGS:--XX:TieredStopAtLevel=1}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root (or sudo) to run: $*"
  fi
}

# Installs the Debian packages whose command is missing.
ensure_packages() {
  local missing=()
  [ -x /usr/bin/docker ] && command -v dockerd >/dev/null || missing+=(docker.io)
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
  [ -x /usr/bin/busybox ] || [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v java >/dev/null && java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' \
    || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  # faas-init (docker-runner/src/main/c) is compiled static by the build.
  command -v gcc >/dev/null || missing+=(gcc)
  compgen -G '/usr/lib/*/libc.a' >/dev/null || missing+=(libc6-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  export PATH="$PATH:/usr/sbin:/sbin"
  export nats_server_path="${nats_server_path:-$(command -v nats-server)}"
}

# What only the tests need, besides ensure_packages: chromium and chromium-driver for the web
# console's browser test (ConsoleIT), and npm, with which the http module's OpenApiLintTest
# installs its OpenAPI validator (Redocly CLI, pinned) under http/target. The test brings its own
# Node.js when the system's is older than Redocly needs (Debian 12's is 18).
ensure_test_packages() {
  local missing=()
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  # The CNCF Distribution registry: docker-runner's ITs pull from one on a loopback port.
  [ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
  # The web console's browser test (node ConsoleIT) drives Debian's chromium through chromedriver.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Starts dockerd in its own session (so Ctrl-C on a script does not stop it) unless one answers.
ensure_dockerd() {
  if $DOCKER info >/dev/null 2>&1; then return 0; fi
  mkdir -p "$FAAS_LOG_DIR"
  if ! pgrep -x dockerd >/dev/null; then
    say "Starting dockerd (log: $FAAS_LOG_DIR/dockerd.log)"
    as_root setsid nohup dockerd >"$FAAS_LOG_DIR/dockerd.log" 2>&1 < /dev/null &
  fi
  local i
  for i in $(seq 1 120); do
    if $DOCKER info >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "dockerd did not answer within 60 s; see $FAAS_LOG_DIR/dockerd.log"
}

# host and port of the first URL in FAAS_NATS_URL
nats_host_port() {
  local url=${FAAS_NATS_URL:-nats://127.0.0.1:4222}
  url=${url%%,*}; url=${url#*://}; url=${url##*@}
  local host=${url%%:*} port=${url##*:}
  [ "$port" = "$url" ] && port=4222
  echo "$host" "$port"
}

nats_answers() {
  local host port
  read -r host port < <(nats_host_port)
  timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port && head -c 4 <&3 | grep -q INFO" 2>/dev/null
}

# Starts a JetStream nats-server storing under FAAS_DATA_DIR unless one answers at FAAS_NATS_URL.
# Sets STARTED_NATS_PID when it started one.
ensure_nats() {
  STARTED_NATS_PID=
  if nats_answers; then
    say "Using the NATS server at ${FAAS_NATS_URL:-nats://127.0.0.1:4222}"
    return 0
  fi
  local host port data
  read -r host port < <(nats_host_port)
  data="${FAAS_DATA_DIR:-$FAAS_ROOT/data}/nats"
  mkdir -p "$data" "$FAAS_LOG_DIR"
  # A 1 MiB parameter or result plus its envelope is over NATS' default 1 MB max_payload.
  cat >"$data.conf" <<CONF
listen: "$host:$port"
max_payload: 8MB
jetstream { store_dir: "$data" }
CONF
  say "Starting nats-server with JetStream on $host:$port (store: $data)"
  setsid nats-server -c "$data.conf" -l "$FAAS_LOG_DIR/nats-server.log" \
    </dev/null >/dev/null 2>&1 &
  STARTED_NATS_PID=$!
  local i
  for i in $(seq 1 60); do
    if nats_answers; then return 0; fi
    sleep 0.25
  done
  die "nats-server did not start; see $FAAS_LOG_DIR/nats-server.log"
}

# True when a runnable jar (the node's, the CLI's) is missing, or the node's is older than any source or pom.
jar_is_stale() {
  local jar=$FAAS_ROOT/node/target/faas-node.jar
  [ -f "$jar" ] && [ -f "$FAAS_ROOT/cli/target/faas-cli.jar" ] || return 0
  [ -n "$(find "$FAAS_ROOT" -path "$FAAS_ROOT/data" -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -type f -print -quit)" ]
}
