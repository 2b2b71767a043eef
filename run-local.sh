#!/usr/bin/env bash
# Runs the relay end to end on this machine, without Docker: LocalStack, the stack of template.yaml
# made in it, a Phala stand-in, and the function that `sam build` makes, under the Lambda Runtime
# Interface Emulator; then one request through the HTTP path, two through the queue, a Slack slash
# command, Phala's webhook closing its loop, and one whole update (compose file and a secret-backed env var)
# watched to completed, with the outcomes printed. Stops what it started.
#
# ./run-local.sh serve: the same stack, then the function's HttpApi routes served over HTTP as API
# Gateway would (com.composerelay.local.HttpFront; `sam local start-api` without Docker) on
# http://127.0.0.1:8787 (RELAY_PORT to change), with the request queue polled, until Ctrl-C.
#
# With Docker, the same can be done with SAM's own tooling instead:
#   localstack start -d    (LocalStack's container)  and a Phala stand-in on :8089, then
#   sam build && sam local invoke ComposeRelayFunction -e events/http-api.json --env-vars events/env.json --docker-network host
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
. scripts/java-home.sh

case "${1:-}" in
  "") main_class=com.composerelay.local.LocalRun ;;
  serve) main_class=com.composerelay.local.LocalServe ;;
  *) echo "usage: ./run-local.sh [serve]" >&2; exit 2 ;;
esac

started_localstack=
cleanup() { if [ -n "$started_localstack" ]; then scripts/localstack.sh stop || true; fi; }
trap cleanup EXIT
if ! scripts/localstack.sh status >/dev/null 2>&1; then
  scripts/localstack.sh start
  started_localstack=1
fi

echo "run-local: sam build ..." >&2
mkdir -p .aws-sam
scripts/sam.sh build >.aws-sam/sam-build.log 2>&1 || { cat .aws-sam/sam-build.log >&2; exit 1; }
rie=$(scripts/rie.sh)
ric=$(scripts/ric.sh)

echo "run-local: compiling the local harness ..." >&2
./mvnw -B -ntp -q test-compile
./mvnw -B -ntp -q exec:java -Dexec.classpathScope=test -Dexec.mainClass="$main_class" \
  -Drie.path="$rie" -Dric.dir="$ric" -Dsam.build.dir="$PWD/.aws-sam/build" -Drelay.port="${RELAY_PORT:-8787}"
