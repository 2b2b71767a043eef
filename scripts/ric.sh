#!/usr/bin/env bash
# Makes sure the Java runtime interface client (com.amazonaws:aws-lambda-java-runtime-interface-client,
# the code Lambda's java25 runtime runs around a handler) and its dependencies are in .tools/ric,
# and prints that folder. Resolved from Maven Central through the Maven wrapper; reused when present.
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$REPO_DIR/.tools/ric"
MARKER="$OUT/.version"
WANT="aws-lambda-java-runtime-interface-client 2.10.1"

if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ]; then
  echo "$OUT"
  exit 0
fi
. "$REPO_DIR/scripts/java-home.sh"
echo "ric: resolving $WANT into $OUT" >&2
rm -rf "$OUT"
mkdir -p "$OUT"
if ! "$REPO_DIR/mvnw" -B -ntp -q -f "$REPO_DIR/scripts/ric/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$OUT" >&2; then
  echo "ric: ERROR: could not resolve $WANT from Maven Central" >&2
  exit 1
fi
echo "$WANT" > "$MARKER"
echo "$OUT"
