#!/usr/bin/env bash
# Installs and starts what the tests need (the Docker engine, npm for the OpenAPI validator,
# chromium for the console's browser test; the tests start their own nats-server processes), then
# runs every unit and integration test with Maven.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh

ensure_packages
ensure_test_packages
ensure_dockerd
say "Running mvn -B verify"
mvn -B verify "$@"
