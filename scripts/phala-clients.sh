#!/usr/bin/env bash
# Installs Phala's own clients, pinned, into git-ignored directories, and prints where they are:
#   python=<repo>/.venv/phala-python/bin/python   (PyPI phala-cloud, the Python SDK)
#   phala=<repo>/.tools/phala-cli/node_modules/.bin/phala   (npm phala, the CLI, with its JS SDK pinned; Node 18+)
# PhalaClientsRecordingTest drives them against a stand-in for Phala on 127.0.0.1. Quick when both
# are already installed; callers at the same time wait on a lock, one installs.
# Settings: PHALA_PYTHON (interpreter for the venv, default python3.11 then python3).
set -euo pipefail

PHALA_CLOUD_VERSION=0.1.3
PHALA_CLI_VERSION=1.1.18
# The CLI's own dependency on Phala's JS SDK is a range (^0.2.9): pinned beside it, so that the requests it
# makes (the SDK sends them) do not change under the tests.
PHALA_JS_SDK_VERSION=0.2.9

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_DIR/.venv/phala-python"
CLI_DIR="$REPO_DIR/.tools/phala-cli"
CLI_BIN="$CLI_DIR/node_modules/.bin/phala"

# shellcheck source=pinned-venv.sh
. "$REPO_DIR/scripts/pinned-venv.sh"
ensure_pinned_venv phala-clients.sh "$VENV" "phala-cloud==$PHALA_CLOUD_VERSION" "${PHALA_PYTHON:-}" \
  "$VENV/bin/python" -c "import importlib.metadata as m, phala_cloud, sys; sys.exit(m.version('phala-cloud') != '$PHALA_CLOUD_VERSION')"

installed_version() {
  node -p 'require(process.argv[1]).version' "$CLI_DIR/node_modules/$1/package.json" 2>/dev/null
}

cli_installed() {
  [ -x "$CLI_BIN" ] && [ "$(installed_version phala)" = "$PHALA_CLI_VERSION" ] &&
    [ "$(installed_version @phala/cloud)" = "$PHALA_JS_SDK_VERSION" ]
}

if ! cli_installed; then
  command -v npm >/dev/null 2>&1 || { echo "phala-clients.sh: npm (Node 18+) is needed to install phala@$PHALA_CLI_VERSION." >&2; exit 1; }
  mkdir -p "$CLI_DIR"
  exec 8>"$CLI_DIR.lock"
  flock 8
  if ! cli_installed; then
    echo "phala-clients.sh: installing phala@$PHALA_CLI_VERSION (with @phala/cloud@$PHALA_JS_SDK_VERSION) into $CLI_DIR" \
      "with node $(node --version) ..." >&2
    # No audit or funding calls, no update notice: only the registry itself.
    if ! npm install --prefix "$CLI_DIR" --save-exact --no-audit --no-fund --no-update-notifier --loglevel=error \
         "phala@$PHALA_CLI_VERSION" "@phala/cloud@$PHALA_JS_SDK_VERSION" >&2 || ! cli_installed; then
      echo "phala-clients.sh: installing phala@$PHALA_CLI_VERSION failed; see the npm output above." >&2; exit 1
    fi
  fi
  flock -u 8
  exec 8>&-
fi

echo "python=$VENV/bin/python"
echo "phala=$CLI_BIN"
