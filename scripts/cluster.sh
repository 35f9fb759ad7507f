#!/usr/bin/env bash
# A local cluster without containers, for tests and demos (docs/local-cluster.md):
#   3 nats-server processes forming one JetStream cluster (key-value replicas 3),
#   2 API nodes (FAAS_ROLES=api) and 2 workers (FAAS_ROLES=worker), all on loopback.
#
#   scripts/cluster.sh start  [--dir DIR]   start what is not running yet, wait until it is ready
#   scripts/cluster.sh stop   [--dir DIR]   stop everything this script started there (TERM, then KILL)
#   scripts/cluster.sh status [--dir DIR]   what runs, and the /readyz (or NATS /healthz) of each
#
# DIR (default ./data/cluster) holds one directory per process: its config or data, its log and
# its pid file. Nothing listens on anything but 127.0.0.1.
#
# Ports, every one shifted by CLUSTER_PORT_OFFSET (default 0) to run two clusters side by side:
#   NATS clients 4301-4303, NATS routes 6301-6303, NATS monitoring 8301-8303,
#   API nodes 8451-8452, workers' health endpoints 8461-8462.
# Settings passed to every node (all nodes of a cluster must agree on them):
#   FAAS_MAX_CONCURRENT (16), FAAS_WORKER_SLOTS (8), FAAS_PLATFORM (faas-local-cluster),
#   FAAS_TLS (true: each node makes its own self-signed certificate; curl -k).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/prereqs.sh"

usage() {
  echo "usage: $0 start|stop|status [--dir DIR]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
COMMAND=$1
shift
DIR=$ROOT/data/cluster
while [ $# -gt 0 ]; do
  case $1 in
    --dir) [ $# -ge 2 ] || usage; DIR=$2; shift 2 ;;
    --dir=*) DIR=${1#--dir=}; shift ;;
    *) usage ;;
  esac
done
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

OFFSET=${CLUSTER_PORT_OFFSET:-0}
NATS_NODES=(nats-1 nats-2 nats-3)
API_NODES=(api-1 api-2)
WORKER_NODES=(worker-1 worker-2)
NODES=("${API_NODES[@]}" "${WORKER_NODES[@]}")

nats_client_port() { echo $((4300 + ${1#nats-} + OFFSET)); }
nats_route_port() { echo $((6300 + ${1#nats-} + OFFSET)); }
nats_http_port() { echo $((8300 + ${1#nats-} + OFFSET)); }
node_port() {
  case $1 in
    api-*) echo $((8450 + ${1#api-} + OFFSET)) ;;
    worker-*) echo $((8460 + ${1#worker-} + OFFSET)) ;;
  esac
}

SCHEME=https
CURL_K=-k
if [ "${FAAS_TLS:-true}" = "false" ]; then SCHEME=http; CURL_K=; fi
node_url() { echo "$SCHEME://localhost:$(node_port "$1")"; }

nats_urls() {
  local n urls=()
  for n in "${NATS_NODES[@]}"; do urls+=("nats://127.0.0.1:$(nats_client_port "$n")"); done
  (IFS=,; echo "${urls[*]}")
}

# The pid in DIR/NAME/pid when that process still runs (and is the one we started).
running_pid() {
  local file=$DIR/$1/pid pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # A recycled pid belongs to some other program: check the command line names our work.
  grep -qaE 'nats-server|faas-node\.jar' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

http_code() { curl -s $CURL_K -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true; }

write_nats_config() {
  local name=$1 dir=$DIR/$1 n routes=()
  for n in "${NATS_NODES[@]}"; do routes+=("    nats-route://127.0.0.1:$(nats_route_port "$n")"); done
  mkdir -p "$dir/jetstream"
  cat >"$dir/nats.conf" <<CONF
# Written by scripts/cluster.sh; the loopback twin of compose/nats/$name.conf.
server_name: $name
listen: 127.0.0.1:$(nats_client_port "$name")
http: 127.0.0.1:$(nats_http_port "$name")
# A 1 MiB parameter or result plus its envelope is over the 1 MB default.
max_payload: 8MB
jetstream {
  store_dir: "$dir/jetstream"
  max_file_store: 2G
  max_memory_store: 128M
}
cluster {
  name: faas-local
  listen: 127.0.0.1:$(nats_route_port "$name")
  routes: [
$(printf '%s\n' "${routes[@]}")
  ]
}
CONF
}

start_nats() {
  local name=$1 dir=$DIR/$1
  if running_pid "$name" >/dev/null; then
    say "$name already runs (pid $(running_pid "$name"))"
    return 0
  fi
  write_nats_config "$name"
  say "Starting $name: clients 127.0.0.1:$(nats_client_port "$name"), routes :$(nats_route_port "$name"), monitoring :$(nats_http_port "$name")"
  setsid nats-server -c "$dir/nats.conf" -l "$dir/nats.log" </dev/null >>"$dir/nats.out" 2>&1 &
  echo $! >"$dir/pid"
}

# The name of the JetStream meta leader, as any of the servers sees it; empty when none.
meta_leader() {
  local n json leader
  for n in "${NATS_NODES[@]}"; do
    json=$(curl -s --max-time 2 "http://127.0.0.1:$(nats_http_port "$n")/jsz" 2>/dev/null) || continue
    leader=$(printf '%s' "$json" | tr -d '\n ' | sed -n 's/.*"meta_cluster":{[^}]*"leader":"\([^"]*\)".*/\1/p')
    if [ -n "$leader" ]; then echo "$leader"; return 0; fi
  done
  return 1
}

await_meta_leader() {
  local i leader
  for i in $(seq 1 120); do
    if leader=$(meta_leader); then
      say "JetStream cluster formed; meta leader: $leader"
      return 0
    fi
    for n in "${NATS_NODES[@]}"; do
      running_pid "$n" >/dev/null || die "$n exited; see $DIR/$n/nats.log"
    done
    sleep 0.5
  done
  die "the JetStream cluster has no leader after 60 s; see $DIR/nats-*/nats.log"
}

start_node() {
  local name=$1 dir=$DIR/$1 roles
  if running_pid "$name" >/dev/null; then
    say "$name already runs (pid $(running_pid "$name"))"
    return 0
  fi
  case $name in api-*) roles=api ;; *) roles=worker ;; esac
  mkdir -p "$dir"
  say "Starting $name (roles $roles) on $(node_url "$name")"
  (
    cd "$dir"
    export FAAS_ROLES=$roles
    export FAAS_NODE_NAME="${FAAS_PLATFORM:-faas-local-cluster}-$name"
    export FAAS_PLATFORM=${FAAS_PLATFORM:-faas-local-cluster}
    export FAAS_PORT
    FAAS_PORT=$(node_port "$name")
    export FAAS_BIND=127.0.0.1
    export FAAS_DATA_DIR=$dir
    export FAAS_NATS_URL
    FAAS_NATS_URL=$(nats_urls)
    export FAAS_KV_REPLICAS=3
    export FAAS_MAX_CONCURRENT=${FAAS_MAX_CONCURRENT:-16}
    export FAAS_WORKER_SLOTS=${FAAS_WORKER_SLOTS:-8}
    exec setsid java $FAAS_JVM_FLAGS ${JAVA_OPTS:--Xmx256m} -jar "$DIR/faas-node.jar" \
      </dev/null >>"$dir/node.log" 2>&1
  ) &
  echo $! >"$dir/pid"
}

await_ready() {
  local name=$1 i
  for i in $(seq 1 240); do
    if [ "$(http_code "$(node_url "$name")/readyz")" = 200 ]; then return 0; fi
    if ! running_pid "$name" >/dev/null; then
      tail -n 30 "$DIR/$name/node.log" >&2 || true
      die "$name exited; see $DIR/$name/node.log"
    fi
    sleep 0.5
  done
  tail -n 30 "$DIR/$name/node.log" >&2 || true
  die "$name is not ready after 120 s; see $DIR/$name/node.log"
}

cmd_start() {
  ensure_packages
  ensure_dockerd
  if jar_is_stale; then
    say "Building node/target/faas-node.jar"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
  fi
  # The nodes run a copy of the jar, the same for all of them: a build rewriting the original
  # while they run would otherwise break their class loading. A new copy only when none runs.
  local n running=0
  for n in "${NODES[@]}"; do running_pid "$n" >/dev/null && running=1; done
  if [ $running = 0 ] || [ ! -f "$DIR/faas-node.jar" ]; then
    cp "$ROOT/node/target/faas-node.jar" "$DIR/faas-node.jar"
  fi
  for n in "${NATS_NODES[@]}"; do start_nats "$n"; done
  await_meta_leader
  for n in "${NODES[@]}"; do start_node "$n"; done
  for n in "${NODES[@]}"; do await_ready "$n"; done
  local dir_arg=
  [ "$DIR" = "$ROOT/data/cluster" ] || dir_arg=" --dir $DIR"
  cat >&2 <<TXT

  The local cluster is ready (logs and data under $DIR).
  API nodes:   $(node_url api-1)   $(node_url api-2)
  NATS:        $(nats_urls)
  A first call (self-signed certificates: curl -k):
    curl -k -X POST $(node_url api-1)/v1/users -d '{"username":"alice","password":"correct-horse"}'
  What runs:  $0 status$dir_arg
  Stop it:    $0 stop$dir_arg

TXT
  echo "$(node_url api-1)"
  echo "$(node_url api-2)"
}

# TERM to every process of the group, then KILL to those still running after 30 s.
stop_group() {
  local names=("$@") n pid pids=() i
  for n in "${names[@]}"; do
    if pid=$(running_pid "$n"); then
      say "Stopping $n (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$n:$pid")
    fi
  done
  for i in $(seq 1 60); do
    local alive=0
    for n in "${pids[@]}"; do kill -0 "${n#*:}" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.5
  done
  for n in "${pids[@]}"; do
    if kill -0 "${n#*:}" 2>/dev/null; then
      say "${n%%:*} did not stop within 30 s: killing it"
      kill -KILL "${n#*:}" 2>/dev/null || true
    fi
  done
  for n in "${names[@]}"; do rm -f "$DIR/$n/pid"; done
}

cmd_stop() {
  # Nodes first, so none of them sees its NATS servers vanish while it drains.
  stop_group "${NODES[@]}"
  stop_group "${NATS_NODES[@]}"
}

cmd_status() {
  local n pid state code leader
  printf '%-9s %-8s %-9s %-32s %s\n' NAME PID STATE ADDRESS CHECK
  for n in "${NATS_NODES[@]}"; do
    if pid=$(running_pid "$n"); then state=running; else pid=-; state=stopped; fi
    code=$(http_code "http://127.0.0.1:$(nats_http_port "$n")/healthz")
    printf '%-9s %-8s %-9s %-32s %s\n' "$n" "$pid" "$state" \
      "nats://127.0.0.1:$(nats_client_port "$n")" "/healthz ${code:-000}"
  done
  for n in "${NODES[@]}"; do
    if pid=$(running_pid "$n"); then state=running; else pid=-; state=stopped; fi
    code=$(http_code "$(node_url "$n")/readyz")
    printf '%-9s %-8s %-9s %-32s %s\n' "$n" "$pid" "$state" "$(node_url "$n")" "/readyz ${code:-000}"
  done
  if leader=$(meta_leader); then echo "JetStream meta leader: $leader"; else echo "JetStream meta leader: none"; fi
}

case $COMMAND in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
