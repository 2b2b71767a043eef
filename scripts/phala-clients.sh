#!/usr/bin/env bash
# Installs Phala's own clients, pinned, into git-ignored directories, and prints where they are:
#   python=<repo>/.venv/phala-python/bin/python   (PyPI phala-cloud, the Python SDK)
#   phala=<repo>/.tools/phala-cli/node_modules/.bin/phala   (npm phala, the CLI, with its JS SDK pinned; Node 18+)
#   python020=<repo>/.venv/phala-python-020/bin/python   (PyPI phala-cloud 0.2.0, the current Python SDK)
#   phala_js=<repo>/.tools/phala-js/node_modules/@phala/cloud   (npm @phala/cloud 0.2.9, the JS SDK on its own:
#            require() that directory, or import its dist/index.mjs)
# PhalaClientsRecordingTest drives them against a stand-in for Phala on 127.0.0.1. Quick when all
# are already installed; callers at the same time wait on a lock, one installs.
# The Python SDK 0.2.0 and the JS SDK are pinned with every dependency, by files in scripts/phala-clients/:
# python-020.txt (installed with pip --no-deps: phala-cloud 0.2.0 asks for pysha3, which does not build on
# Python 3.11+, and needs it only for an on-chain helper; see that file) and js/package.json +
# js/package-lock.json (npm ci). Either is installed again when its file changes.
# Settings: PHALA_PYTHON (interpreter for both venvs, default python3.11 then python3; 0.2.0 needs 3.10+).
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
PIN_DIR="$REPO_DIR/scripts/phala-clients"
VENV_020="$REPO_DIR/.venv/phala-python-020"
JS_DIR="$REPO_DIR/.tools/phala-js"
JS_PKG="$JS_DIR/node_modules/@phala/cloud"

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

# The Python SDK 0.2.0: its own venv, every package pinned by python-020.txt, installed without dependency
# resolution (so pysha3 is never built). .pinned holds a digest of that file: a change installs again.
req_020="$PIN_DIR/python-020.txt"
want_020="$(sha256sum "$req_020" | cut -d' ' -f1)"
python020_installed() {
  [ -x "$VENV_020/bin/python" ] && [ "$(cat "$VENV_020/.pinned" 2>/dev/null)" = "$want_020" ]
}
if ! python020_installed; then
  mkdir -p "$(dirname "$VENV_020")"
  exec 7>"$VENV_020.lock"
  flock 7
  if ! python020_installed; then
    py="$(pinned_venv_python "${PHALA_PYTHON:-}")" &&
      "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || {
      echo "phala-clients.sh: no Python 3.10+ with the venv module found; phala-cloud 0.2.0 needs one (PHALA_PYTHON)." >&2; exit 1; }
    echo "phala-clients.sh: installing phala-cloud 0.2.0 ($(grep -c '==' "$req_020") pinned packages) into $VENV_020" \
      "with $("$py" --version 2>&1) ..." >&2
    rm -rf "$VENV_020"
    log="$(mktemp)"
    if ! "$py" -m venv "$VENV_020" >"$log" 2>&1 ||
       ! "$VENV_020/bin/python" -m pip install --disable-pip-version-check --no-input -q --no-deps -r "$req_020" >>"$log" 2>&1 ||
       ! "$VENV_020/bin/python" -c "import importlib.metadata as m, phala_cloud, sys; sys.exit(m.version('phala-cloud') != '0.2.0')" >>"$log" 2>&1; then
      cat "$log" >&2; rm -f "$log"; rm -rf "$VENV_020"
      echo "phala-clients.sh: installing phala-cloud 0.2.0 failed; see the output above." >&2; exit 1
    fi
    rm -f "$log"
    printf '%s\n' "$want_020" > "$VENV_020/.pinned"
  fi
  flock -u 7
  exec 7>&-
fi

# The JS SDK on its own: npm ci from the committed package.json and lock into .tools/phala-js. Installed when
# the lock there differs from the committed one (npm ci writes node_modules/.package-lock.json last).
js_installed() {
  cmp -s "$PIN_DIR/js/package-lock.json" "$JS_DIR/package-lock.json" && [ -f "$JS_DIR/node_modules/.package-lock.json" ] &&
    [ "$(node -p 'require(process.argv[1]).version' "$JS_PKG/package.json" 2>/dev/null)" = "$PHALA_JS_SDK_VERSION" ]
}
if ! js_installed; then
  command -v npm >/dev/null 2>&1 || { echo "phala-clients.sh: npm (Node 18+) is needed to install @phala/cloud@$PHALA_JS_SDK_VERSION." >&2; exit 1; }
  mkdir -p "$JS_DIR"
  exec 6>"$JS_DIR.lock"
  flock 6
  if ! js_installed; then
    echo "phala-clients.sh: installing @phala/cloud@$PHALA_JS_SDK_VERSION (npm ci, pinned by scripts/phala-clients/js) into" \
      "$JS_DIR with node $(node --version) ..." >&2
    rm -rf "$JS_DIR/node_modules" "$JS_DIR/package-lock.json"
    cp "$PIN_DIR/js/package.json" "$PIN_DIR/js/package-lock.json" "$JS_DIR/"
    # --prefix with the physical path: through a symlinked .tools npm ci takes the root for a link, "Missing: phala-js".
    log="$(mktemp)"
    if ! npm ci --prefix "$(cd "$JS_DIR" && pwd -P)" --no-audit --no-fund --no-update-notifier --loglevel=error >"$log" 2>&1 ||
       ! js_installed; then
      cat "$log" >&2; rm -f "$log"; rm -rf "$JS_DIR/node_modules" "$JS_DIR/package-lock.json"
      echo "phala-clients.sh: installing @phala/cloud@$PHALA_JS_SDK_VERSION failed; see the npm output above." >&2; exit 1
    fi
    rm -f "$log"
  fi
  flock -u 6
  exec 6>&-
fi

echo "python=$VENV/bin/python"
echo "phala=$CLI_BIN"
echo "python020=$VENV_020/bin/python"
echo "phala_js=$JS_PKG"
