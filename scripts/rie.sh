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
MARKER="$BIN_DIR/aws-lambda-rie.version"
WANT="$RIE_MODULE/cmd/aws-lambda-rie@$RIE_VERSION"

die() { echo "rie.sh: $*" >&2; exit 1; }

is_current() {
  [ -x "$RIE_BIN" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ]
}

build() {
  local go_bin
  go_bin="$(command -v go || true)"
  if [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ]; then go_bin=/usr/local/go/bin/go; fi
  [ -n "$go_bin" ] || die "'go' not found on PATH (nor /usr/local/go/bin/go): install Go 1.26 or newer to build the Lambda Runtime Interface Emulator ($WANT)."

  mkdir -p "$BIN_DIR"
  local stage
  stage="$(mktemp -d "$REPO_DIR/.tools/rie-build.XXXXXX")"
  echo "rie.sh: building $WANT with $("$go_bin" version) ..." >&2
  if ! GOBIN="$stage" CGO_ENABLED=0 "$go_bin" install -trimpath "$WANT" >&2; then
    rm -rf "$stage"
    die "building the Runtime Interface Emulator failed (go install $WANT); see the Go output above. It needs the Go module proxy (GOPROXY=$("$go_bin" env GOPROXY))."
  fi
  [ -x "$stage/aws-lambda-rie" ] || { rm -rf "$stage"; die "go install finished but produced no aws-lambda-rie binary."; }
  mv -f "$stage/aws-lambda-rie" "$RIE_BIN"
  rm -rf "$stage"
  printf '%s\n' "$WANT" > "$MARKER.tmp" && mv -f "$MARKER.tmp" "$MARKER"
  echo "rie.sh: built $RIE_BIN" >&2
}

ensure() {
  is_current && return 0
  mkdir -p "$REPO_DIR/.tools"
  # Serialise concurrent first runs (parallel test forks); flock is optional.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$REPO_DIR/.tools/rie.lock"
    flock 9
    is_current || build
    flock -u 9
    exec 9>&-
  else
    build
  fi
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
