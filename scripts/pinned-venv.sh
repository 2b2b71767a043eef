# Sourced by scripts that run a Python tool from a git-ignored, pinned virtualenv (sam.sh,
# crosscheck-python.sh): `ensure_pinned_venv NAME VENV SPEC PYTHON CHECK...` makes VENV with
# `pip install SPEC` once (PYTHON, else python3.11, else python3), runs CHECK... to see it works,
# and records SPEC in VENV/.pinned; callers at the same time wait on a lock, one installs.

pinned_venv_python() {
  local candidate
  for candidate in "${1:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_pinned_venv() {
  local name=$1 venv=$2 spec=$3 python=$4
  shift 4
  [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.pinned" 2>/dev/null)" = "$spec" ] && return 0
  mkdir -p "$(dirname "$venv")"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$venv.lock"
    flock 9
  fi
  if ! { [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.pinned" 2>/dev/null)" = "$spec" ]; }; then
    local py
    py="$(pinned_venv_python "$python")" || {
      echo "$name: no Python 3.9+ with the venv module found; it is needed to install $spec." >&2; exit 1; }
    echo "$name: installing $spec into $venv with $("$py" --version 2>&1) ..." >&2
    rm -rf "$venv"
    if ! "$py" -m venv "$venv" >&2 ||
       ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q "$spec" >&2; then
      rm -rf "$venv"
      echo "$name: installing $spec failed; see the pip output above." >&2; exit 1
    fi
    "$@" >/dev/null 2>&1 || { rm -rf "$venv"; echo "$name: $spec installed but '$*' does not run." >&2; exit 1; }
    printf '%s\n' "$spec" > "$venv/.pinned"
  fi
  if command -v flock >/dev/null 2>&1; then
    flock -u 9
    exec 9>&-
  fi
}
