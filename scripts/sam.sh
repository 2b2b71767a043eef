#!/usr/bin/env bash
# Runs the AWS SAM CLI from a pinned virtualenv at .venv/sam, installing it on first use.
#   scripts/sam.sh --version
#   AWS_DEFAULT_REGION=us-east-1 scripts/sam.sh validate --lint
#   scripts/sam.sh build          # Maven, no container: JDK 25 comes from scripts/java-home.sh
#
# `sam build` (BuildMethod: makefile, no Docker; needs `make`) copies the CodeUri folder to a scratch
# folder and runs the repository's Makefile there: `./mvnw package` (tests skipped), then the shaded
# jar into .aws-sam/build/<Function>/lib/, the whole deployment package. To run it the way Lambda
# does, start the runtime client with that folder as its working directory (see scripts/rie.sh).
# What this script adds around `sam build` (see below): JDK 25 and, from the repository root, a
# build from a clean copy in .aws-sam/src.
# Settings: SAM_PYTHON (interpreter for the venv, default python3.11 then python3),
#   SAM_BUILD_TESTS=1 (let `sam build` run the tests), SAM_BUILD_STAGE=0 (no .aws-sam/src copy).
set -euo pipefail

SAM_CLI_VERSION=1.170.0   # newest on PyPI that installs on Python 3.11 here (checked 2026-11-25)

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_DIR/.venv/sam"
WANT="aws-sam-cli==$SAM_CLI_VERSION"

# shellcheck source=pinned-venv.sh
. "$REPO_DIR/scripts/pinned-venv.sh"
ensure_pinned_venv sam.sh "$VENV" "$WANT" "${SAM_PYTHON:-}" "$VENV/bin/sam" --version

export SAM_CLI_TELEMETRY=0

# sam build's Maven needs a JDK 25 (maven.compiler.release 25); JAVA_HOME decides which JDK mvn uses.
if [ -f "$REPO_DIR/scripts/java-home.sh" ]; then
  # shellcheck disable=SC1091
  if ! . "$REPO_DIR/scripts/java-home.sh" 2>/dev/null; then
    echo "sam.sh: warning: no JDK 25 found; 'sam build' will fail to compile for java25." >&2
  fi
fi

# The Makefile skips Maven's tests unless MVN_FLAGS says otherwise.
if [ "${SAM_BUILD_TESTS:-0}" = 1 ]; then
  export MVN_FLAGS=""
fi

# `sam build` copies the whole CodeUri folder (here the repository root: .venv, .localstack,
# .tools and target included; only .git and .aws-sam are skipped) to a scratch folder before Maven
# runs, following symlinks: slow, and it fails on LocalStack's dangling links. So, when run from
# the repository root, build from a copy of the files git knows (tracked and untracked, not the
# ignored ones) in .aws-sam/src, with the output in the usual .aws-sam/build.
# SAM_BUILD_STAGE=0 turns this off.
if [ "${1:-}" = build ] && [ "${SAM_BUILD_STAGE:-1}" = 1 ] && [ "$(pwd -P)" = "$(cd "$REPO_DIR" && pwd -P)" ] &&
   git -C "$REPO_DIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  STAGE="$REPO_DIR/.aws-sam/src"
  rm -rf "$STAGE"
  mkdir -p "$STAGE"
  # --ignore-failed-read: files deleted in the work tree but still in the index.
  git -C "$REPO_DIR" ls-files -z --cached --others --exclude-standard |
    tar -C "$REPO_DIR" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$STAGE" -xf -
  # sam's copy follows symlinks: drop links to folders (a .venv link is not matched by /.venv/)
  # and dangling ones.
  find "$STAGE" -type l \( -xtype d -o -xtype l \) -exec rm -f {} +
  has_build_dir=
  for arg in "$@"; do
    case "$arg" in -b|--build-dir|--build-dir=*) has_build_dir=1 ;; esac
  done
  cd "$STAGE"
  shift
  if [ -n "$has_build_dir" ]; then
    exec "$VENV/bin/sam" build "$@"
  fi
  exec "$VENV/bin/sam" build --build-dir "$REPO_DIR/.aws-sam/build" "$@"
fi

exec "$VENV/bin/sam" "$@"
