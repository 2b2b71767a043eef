#!/usr/bin/env bash
# Runs every test of Compose Relay on this machine: installs and starts what the tests need
# (JDK 25 check, LocalStack in .venv/localstack), runs the Maven build with all tests, and stops
# what it started. Usage: ./run-tests.sh [extra Maven arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
. scripts/java-home.sh

started_localstack=
cleanup() {
  if [ -n "$started_localstack" ]; then
    scripts/localstack.sh stop || true
  fi
}
trap cleanup EXIT

if ! scripts/localstack.sh status >/dev/null 2>&1; then
  scripts/localstack.sh start
  started_localstack=1
fi

./mvnw -B -ntp clean verify "$@"
