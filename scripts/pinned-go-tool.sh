# shellcheck shell=bash
# Sourced, not run: builds one pinned Go tool into .tools/bin once and reuses it (the Go twin of
# pinned-venv.sh). Used by scripts/rie.sh and scripts/actionlint.sh.
#
#   ensure_pinned_go_tool <caller> <repo dir> <module path@version> <binary name> [go install flags...]
#
# The binary lands in <repo>/.tools/bin/<binary name>, with a marker file naming what was built; a
# different pin builds it again. Concurrent first runs are serialised with flock when there is one.
# Needs `go` (on PATH or /usr/local/go/bin/go) and the Go module proxy; messages go to stderr.

_pinned_go_build() {
  local caller=$1 repo=$2 want=$3 name=$4
  shift 4
  local bin_dir="$repo/.tools/bin" go_bin stage
  go_bin="$(command -v go || true)"
  if [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ]; then go_bin=/usr/local/go/bin/go; fi
  if [ -z "$go_bin" ]; then
    echo "$caller: 'go' not found on PATH (nor /usr/local/go/bin/go): install Go 1.26 or newer to build $want." >&2
    return 1
  fi
  mkdir -p "$bin_dir"
  stage="$(mktemp -d "$repo/.tools/$name-build.XXXXXX")"
  echo "$caller: building $want with $("$go_bin" version) ..." >&2
  if ! GOBIN="$stage" CGO_ENABLED=0 GOFLAGS=-mod=mod "$go_bin" install -trimpath "$@" "$want" >&2; then
    rm -rf "$stage"
    echo "$caller: building $name failed (go install $want); see the Go output above. It needs the Go module proxy (GOPROXY=$("$go_bin" env GOPROXY))." >&2
    return 1
  fi
  if [ ! -x "$stage/$name" ]; then
    rm -rf "$stage"
    echo "$caller: go install finished but produced no $name binary." >&2
    return 1
  fi
  mv -f "$stage/$name" "$bin_dir/$name"
  rm -rf "$stage"
  printf '%s\n' "$want" > "$bin_dir/$name.version.tmp" && mv -f "$bin_dir/$name.version.tmp" "$bin_dir/$name.version"
  echo "$caller: built $bin_dir/$name" >&2
}

_pinned_go_current() {
  local bin="$2/.tools/bin/$4" marker="$2/.tools/bin/$4.version"
  [ -x "$bin" ] && [ -f "$marker" ] && [ "$(cat "$marker")" = "$3" ]
}

ensure_pinned_go_tool() {
  _pinned_go_current "$@" && return 0
  mkdir -p "$2/.tools"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$2/.tools/$4.lock"
    flock 9
    if ! _pinned_go_current "$@"; then
      _pinned_go_build "$@" || { exec 9>&-; return 1; }
    fi
    flock -u 9
    exec 9>&-
  else
    _pinned_go_build "$@"
  fi
}
