#!/usr/bin/env bash
# Makes sure the AWS Lambda Runtime Interface Emulator (RIE) is built at .tools/bin/aws-lambda-rie
# and prints its path on stdout (nothing else goes to stdout).
#   scripts/rie.sh [path]      build once (needs `go` and the Go module proxy), then reuse
#
# How to run a function with it (checked with RIE v0.0.0-20261030222936-bef5c4ba774d, JDK 25 and
# com.amazonaws:aws-lambda-java-runtime-interface-client:2.10.1):
#   cd .aws-sam/build/<Function>        # the runtime client loads the function from its cwd:
#                                       # <cwd>/ (classes) + <cwd>/lib/*.jar, as Lambda does in /var/task
#   AWS_LAMBDA_FUNCTION_TIMEOUT=28 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 \
#   AWS_LAMBDA_FUNCTION_NAME=compose-relay AWS_REGION=us-east-1 ... \
#   "$(scripts/rie.sh)" --log-level warn \
#       --runtime-interface-emulator-address 127.0.0.1:<PORT> --runtime-api-address 127.0.0.1:<PORT2> \
#       "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp '<ric-and-deps-dir>/*' \
#       com.amazonaws.services.lambda.runtime.api.client.AWSLambda com.composerelay.RelayHandler::handleRequest
#   curl -XPOST http://127.0.0.1:<PORT>/2015-03-31/functions/function/invocations -d @event.json
# Both ports must be free and explicit (a busy port makes the RIE panic at start; port 0 breaks the
# runtime client). One invocation at a time: a second concurrent request crashes the RIE.
# Stop it with SIGTERM: it SIGKILLs the Java runtime and exits 0.
set -euo pipefail

RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator
# The only version the Go module proxy serves (the v1.x tags are not served).
RIE_VERSION=v0.0.0-20261030222936-bef5c4ba774d

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$REPO_DIR/.tools/bin"
RIE_BIN="$BIN_DIR/aws-lambda-rie"
WANT="$RIE_MODULE/cmd/aws-lambda-rie@$RIE_VERSION"

die() { echo "rie.sh: $*" >&2; exit 1; }

# shellcheck source=pinned-go-tool.sh
. "$REPO_DIR/scripts/pinned-go-tool.sh"
ensure() {
  ensure_pinned_go_tool rie.sh "$REPO_DIR" "$WANT" aws-lambda-rie || exit 1
}

case "${1:-path}" in
  path)
    ensure
    printf '%s\n' "$RIE_BIN"
    ;;
  -h|--help|help)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
    ;;
  *)
    die "unknown subcommand '$1' (use: scripts/rie.sh [path])"
    ;;
esac
