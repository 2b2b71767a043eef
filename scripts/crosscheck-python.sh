#!/usr/bin/env bash
# Prints the path of a Python with `cryptography` pinned, in the git-ignored virtualenv
# .venv/crosscheck, installing it on first use. The env sealer's cross-check
# (X25519EnvSealerCrossCheckTest) opens the relay's sealed env with it: an implementation of
# X25519 and AES-GCM that is not the JDK's.
#   scripts/crosscheck-python.sh     # -> <repo>/.venv/crosscheck/bin/python
# Settings: CROSSCHECK_PYTHON (interpreter for the venv, default python3.11 then python3).
set -euo pipefail

CRYPTOGRAPHY_VERSION=46.0.5
WANT="cryptography==$CRYPTOGRAPHY_VERSION"

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_DIR/.venv/crosscheck"

die() { echo "crosscheck-python.sh: $*" >&2; exit 1; }

is_current() {
  [ -x "$VENV/bin/python" ] &&
    [ "$("$VENV/bin/python" -c 'import cryptography; print(cryptography.__version__)' 2>/dev/null)" = "$CRYPTOGRAPHY_VERSION" ]
}

pick_python() {
  local candidate
  for candidate in "${CROSSCHECK_PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install() {
  local py
  py="$(pick_python)" || die "no Python 3.9+ with the venv module found (set CROSSCHECK_PYTHON); it is needed to install $WANT."
  echo "crosscheck-python.sh: installing $WANT into $VENV with $("$py" --version 2>&1) ..." >&2
  rm -rf "$VENV"
  if ! "$py" -m venv "$VENV" >&2 ||
     ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q "$WANT" >&2; then
    rm -rf "$VENV"
    die "installing $WANT failed; see the pip output above."
  fi
  is_current || { rm -rf "$VENV"; die "$WANT installed but 'import cryptography' does not give $CRYPTOGRAPHY_VERSION."; }
}

if ! is_current; then
  mkdir -p "$REPO_DIR/.venv"
  # Maven's tests and run-tests.sh may both ask at once: one installs, the other waits.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$REPO_DIR/.venv/crosscheck.lock"
    flock 9
    is_current || install
    flock -u 9
    exec 9>&-
  else
    install
  fi
fi

echo "$VENV/bin/python"
