#!/usr/bin/env bash
# Runs every test of Compose Relay on this machine, installing and starting what they need:
#   1. LocalStack on the host (.venv/localstack), unless one is already healthy on :4566
#   2. the template checked (sam validate --lint) and built (sam build, .venv/sam)
#   3. the Lambda Runtime Interface Emulator (.tools/bin) and the Java runtime interface client (.tools/ric)
#   4. Python's cryptography for the env sealer's cross-check (.venv/crosscheck)
#   5. Phala's own clients, pinned: the Python SDK 0.1.3 (.venv/phala-python) and 0.2.0 (.venv/phala-python-020),
#      the CLI (.tools/phala-cli) and the JS SDK (.tools/phala-js)
#   6. actionlint for the GitHub Actions examples, pinned (.tools/bin), with its ShellCheck (.venv/shellcheck)
#   7. ./mvnw clean verify -Pe2e: unit, WireMock and LocalStack tests (surefire), then the
#      end-to-end tests of the `sam build` artifact under the emulator (failsafe)
# and stops what it started. Usage: ./run-tests.sh [extra Maven arguments]
#
# ./run-tests.sh --quick [extra Maven arguments]: installs and starts nothing, and runs ./mvnw test: every
# test that needs nothing but the JDK. The tests tagged localstack, emulator, python, node or go
# (src/test/java/com/composerelay/support/Tags.java) are left out; the full run above runs them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
. scripts/java-home.sh
stage() { echo "run-tests: $* ($(date -u +%H:%M:%S))" >&2; }

if [ "${1:-}" = "--quick" ]; then
  shift
  stage "./mvnw test (quick: the JDK only; tests tagged localstack, emulator, python, node or go left out)"
  exec ./mvnw -B -ntp test "$@"
fi

started_localstack=
cleanup() {
  if [ -n "$started_localstack" ]; then
    scripts/localstack.sh stop || true
  fi
}
trap cleanup EXIT

stage "LocalStack"
if ! scripts/localstack.sh status >/dev/null 2>&1; then
  scripts/localstack.sh start
  started_localstack=1
fi

stage "sam validate --lint"
AWS_DEFAULT_REGION=us-east-1 scripts/sam.sh validate --lint
stage "sam build"
mkdir -p .aws-sam
if ! scripts/sam.sh build >.aws-sam/sam-build.log 2>&1; then
  cat .aws-sam/sam-build.log >&2
  exit 1
fi
echo "run-tests: built $(du -sh .aws-sam/build/ComposeRelayFunction | cut -f1) in .aws-sam/build/ComposeRelayFunction" >&2

stage "runtime emulator and runtime interface client"
rie=$(scripts/rie.sh)
ric=$(scripts/ric.sh)

stage "Python cryptography for the env sealer's cross-check"
crosscheck_python=$(scripts/crosscheck-python.sh)

stage "Phala's own clients (Python SDK 0.1.3 and 0.2.0, CLI, JS SDK)"
phala_clients=$(scripts/phala-clients.sh)
phala_python=$(sed -n 's/^python=//p' <<<"$phala_clients")
phala_cli=$(sed -n 's/^phala=//p' <<<"$phala_clients")
phala_python020=$(sed -n 's/^python020=//p' <<<"$phala_clients")
phala_js=$(sed -n 's/^phala_js=//p' <<<"$phala_clients")

stage "actionlint and its ShellCheck"
actionlint=$(scripts/actionlint.sh)
shellcheck=$(scripts/actionlint.sh shellcheck)

stage "./mvnw clean verify -Pe2e"
./mvnw -B -ntp clean verify -Pe2e -Drie.path="$rie" -Dric.dir="$ric" -Dcrosscheck.python="$crosscheck_python" \
  -Dphala.python="$phala_python" -Dphala.cli="$phala_cli" -Dphala.python020="$phala_python020" -Dphala.js="$phala_js" \
  -Dactionlint.path="$actionlint" -Dactionlint.shellcheck="$shellcheck" "$@"
