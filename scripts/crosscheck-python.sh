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

# shellcheck source=pinned-venv.sh
. "$REPO_DIR/scripts/pinned-venv.sh"
ensure_pinned_venv crosscheck-python.sh "$VENV" "$WANT" "${CROSSCHECK_PYTHON:-}" \
  "$VENV/bin/python" -c "import cryptography, sys; sys.exit(cryptography.__version__ != '$CRYPTOGRAPHY_VERSION')"

echo "$VENV/bin/python"
