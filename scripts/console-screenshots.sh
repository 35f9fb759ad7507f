#!/usr/bin/env bash
# Refreshes the web console's screenshots in docs/console/ (shown by docs/console.md and the
# README): runs the console's browser test (node ConsoleIT, headless chromium against a real
# node) with -Dfaas.console.screenshots, which makes it save a PNG of each main page as it goes.
# Needs what ./test.sh needs (it installs the same prerequisites). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh

ensure_packages
ensure_test_packages
ensure_dockerd
out="$PWD/docs/console"
mkdir -p "$out"
say "Running ConsoleIT, saving screenshots to $out"
mvn -B -pl node -am verify -Dit.test=ConsoleIT -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dfaas.console.screenshots="$out" "$@"
ls -1 "$out"/*.png
