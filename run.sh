#!/usr/bin/env bash
# Installs what is missing, builds, starts the Docker engine and NATS, and runs one node with
# roles api,worker in the foreground. Ctrl-C stops it cleanly. See README.md.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh

export FAAS_DATA_DIR=${FAAS_DATA_DIR:-$PWD/data}
export FAAS_ROLES=${FAAS_ROLES:-api,worker}
export FAAS_PORT=${FAAS_PORT:-8443}
export FAAS_NATS_URL=${FAAS_NATS_URL:-nats://127.0.0.1:4222}

ensure_packages
ensure_dockerd
if jar_is_stale; then
  say "Building node/target/faas-node.jar"
  mvn -B -q -DskipTests package
fi
ensure_nats

NODE_PID=
stop() {
  trap - INT TERM EXIT
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  if [ -n "$STARTED_NATS_PID" ]; then
    say "Stopping the nats-server this script started"
    kill -TERM "$STARTED_NATS_PID" 2>/dev/null || true
    wait "$STARTED_NATS_PID" 2>/dev/null || true
  fi
}
trap stop INT TERM EXIT

scheme=https; curl_k=-k; cli_ca=" --ca-file $FAAS_DATA_DIR/tls/node.p12"
if [ "${FAAS_TLS:-true}" = "false" ]; then scheme=http; curl_k=; cli_ca=; fi
base="$scheme://localhost:$FAAS_PORT"

say "Starting the node (roles $FAAS_ROLES) on $base"
java $FAAS_JVM_FLAGS ${JAVA_OPTS:-} -jar node/target/faas-node.jar &
NODE_PID=$!

(
  for _ in $(seq 1 240); do
    if curl -sf $curl_k "$base/readyz" >/dev/null 2>&1; then
      cat >&2 <<TXT

  The API is ready at $base  (self-signed certificate: curl -k, or trust $FAAS_DATA_DIR/tls)
  The faas CLI (docs/cli.md) is in $PWD/bin; put it on your PATH and sign up:
    export PATH="$PWD/bin:\$PATH"
    faas register --url $base$cli_ca --user alice
  Or with curl:
    curl $curl_k -X POST $base/v1/users -H 'Content-Type: application/json' \\
         -d '{"username":"alice","password":"correct-horse"}'
  Then a token:  curl $curl_k -X POST $base/v1/tokens -d '{"username":"alice","password":"correct-horse"}'
  Ctrl-C stops the node.

TXT
      exit 0
    fi
    kill -0 "$NODE_PID" 2>/dev/null || exit 0
    sleep 0.5
  done
  echo "The node is not ready after 120 s: see its log above." >&2
) &

set +e
wait "$NODE_PID"
status=$?
NODE_PID=
exit $status
