#!/usr/bin/env bash
# Run LocalStack (community, last free release) on this host, without Docker, for local and CI
# integration tests.
#
#   scripts/localstack.sh start    install if needed, start in the background, wait until healthy
#                                  (does nothing when LocalStack is already healthy on the port)
#   scripts/localstack.sh stop     stop it (whole process group, DynamoDB Local JVM included)
#   scripts/localstack.sh status   exit 0 when healthy, 3 when not running, 1 otherwise
#
# Environment:
#   LOCALSTACK_PORT           gateway port on 127.0.0.1 (default 4566)
#   LOCALSTACK_SERVICES       default sqs,sns,secretsmanager,dynamodb,stepfunctions,cloudwatch,sts,iam,ssm,events
#                             (Step Functions runs its tasks with STS credentials: without sts every
#                             task of a state machine fails with "Service 'sts' is not enabled")
#   LOCALSTACK_START_TIMEOUT  seconds to wait for health (default 90)
#   LOCALSTACK_PYTHON         interpreter for the venv (must be >= 3.13, see find_python)
#   LOCALSTACK_DEBUG=1        verbose LocalStack log
#   LOCALSTACK_STATE_DIR      log, pid and filesystem root (default <repo>/.localstack); a second
#                             instance needs its own, and its own LOCALSTACK_PORT
#
# Layout (both git-ignored): <repo>/.venv/localstack (virtualenv), <repo>/.localstack (log, pid,
# LocalStack's filesystem root with its caches and the DynamoDB Local install).
#
# Everything comes from PyPI and Maven Central; nothing is downloaded from elsewhere:
#  * localstack-core 4.14.0 needs Python >= 3.13 (PEP 695 generics, `threading.Lock | None`), though
#    its metadata says >= 3.10; python3 on PATH is used when new enough, else python3.13/pyenv's.
#  * Its unpinned dependencies are resolved as of its release date (pip --uploaded-prior-to): later
#    releases break it (cbor2 6 removed cbor2._decoder).
#  * LocalStack's DynamoDB is DynamoDB Local (Java), which it would download from AWS's CDN, plus a
#    JRE and an agent jar from GitHub. Instead this script puts com.amazonaws:DynamoDBLocal (Maven
#    Central) where LocalStack looks for it, with the host's Java 17+ as its "java/21" and
#    net.bytebuddy:byte-buddy-agent as the (no-op) agent jar, so LocalStack never tries a download.
set -euo pipefail

LS_VERSION=4.14.0
LS_REQUIREMENT="localstack-core[runtime]==${LS_VERSION}"
LS_DEPS_CUTOFF=2026-02-27T00:00:00Z # localstack-core 4.14.0 was uploaded 2026-02-26
PIP_VERSION=26.0.1                  # first pip line with --uploaded-prior-to
DDB_LOCAL_VERSION=2.6.1
BYTE_BUDDY_AGENT_VERSION=1.17.5
MVN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$SCRIPT_DIR")
VENV="$REPO/.venv/localstack"
VENV_MARKER="$VENV/.localstack-sh-install"
STATE="${LOCALSTACK_STATE_DIR:-$REPO/.localstack}"
FS_ROOT="$STATE/filesystem"
VAR_LIBS="$FS_ROOT/var/lib/localstack/lib"
DDB_DIR="$VAR_LIBS/dynamodb-local/2"
DDB_MARKER="$DDB_DIR/.localstack-sh-install"
LOG="$STATE/localstack.log"
PIDFILE="$STATE/localstack.pid"
PORT="${LOCALSTACK_PORT:-4566}"
SERVICES="${LOCALSTACK_SERVICES:-sqs,sns,secretsmanager,dynamodb,stepfunctions,cloudwatch,sts,iam,ssm,events}"
START_TIMEOUT="${LOCALSTACK_START_TIMEOUT:-90}"
BASE_URL="http://127.0.0.1:${PORT}"

say() { echo "localstack: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# --- probes -------------------------------------------------------------------------------------

# Prints the health JSON's verdict: "ok", "starting: <why>" or "absent". Uses any python3.
health() {
  python3 - "$BASE_URL" "$SERVICES" "$LS_VERSION" <<'EOF' 2>/dev/null || echo absent
import json, sys, urllib.request
base, services, version = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
try:
    with urllib.request.urlopen(base + "/_localstack/health", timeout=3) as r:
        h = json.load(r)
    with urllib.request.urlopen(base + "/_localstack/init/ready", timeout=3) as r:
        ready = json.load(r).get("completed")
except Exception:
    print("absent"); sys.exit(0)
if not isinstance(h, dict) or "services" not in h:
    print("absent"); sys.exit(0)
bad = {s: h["services"].get(s) for s in services if h["services"].get(s) != "running"}
if h.get("version") != version:
    print(f"starting: version {h.get('version')} is not {version}")
elif bad:
    print(f"starting: services {bad}")
elif not ready:
    print("starting: init stage READY not completed")
else:
    print("ok")
EOF
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

running_pid() {
  local pid
  [[ -f "$PIDFILE" ]] || return 1
  pid=$(<"$PIDFILE")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# LocalStack 4.14.0 uses Python 3.12 syntax and a 3.13-only annotation at import time.
find_python() {
  local c cands=(python3 python3.13 python3.14)
  [[ -n "${LOCALSTACK_PYTHON:-}" ]] && cands=("$LOCALSTACK_PYTHON")
  if [[ -z "${LOCALSTACK_PYTHON:-}" ]]; then
    if command -v pyenv >/dev/null 2>&1; then
      cands+=("$(pyenv root)"/versions/3.1[3-9]*/bin/python3)
    fi
    cands+=("$HOME"/.pyenv/versions/3.1[3-9]*/bin/python3 /usr/bin/python3.1[3-9] /usr/local/bin/python3.1[3-9])
  fi
  for c in "${cands[@]}"; do
    [[ "$c" == *"*"* ]] && continue
    if "$c" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 13))' >/dev/null 2>&1; then
      command -v "$c" 2>/dev/null || echo "$c"
      return 0
    fi
  done
  return 1
}

# --- installation -------------------------------------------------------------------------------

ensure_venv() {
  local py pyver want
  if [[ -x "$VENV/bin/python" && -f "$VENV_MARKER" ]]; then
    pyver=$("$VENV/bin/python" -c 'import platform; print(platform.python_version())' 2>/dev/null || true)
    want="$LS_REQUIREMENT deps<$LS_DEPS_CUTOFF python=$pyver"
    if [[ -n "$pyver" && "$(<"$VENV_MARKER")" == "$want" ]]; then
      return 0
    fi
    say "venv $VENV is stale (marker: $(<"$VENV_MARKER")), reinstalling"
  fi
  py=$(find_python) || die "LocalStack $LS_VERSION needs Python >= 3.13 and none was found (${LOCALSTACK_PYTHON:+LOCALSTACK_PYTHON=$LOCALSTACK_PYTHON, }python3 is $(python3 --version 2>&1)); point LOCALSTACK_PYTHON at one"
  pyver=$("$py" -c 'import platform; print(platform.python_version())')
  say "creating venv $VENV with $py ($pyver) and installing $LS_REQUIREMENT (deps as of $LS_DEPS_CUTOFF)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")" "$STATE"
  "$py" -m venv "$VENV"
  local t0=$SECONDS
  if ! { "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input "pip==$PIP_VERSION" &&
         "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
           --uploaded-prior-to="$LS_DEPS_CUTOFF" "$LS_REQUIREMENT"; } >"$STATE/pip-install.log" 2>&1; then
    tail -n 30 "$STATE/pip-install.log" >&2
    die "pip install failed (full log: $STATE/pip-install.log)"
  fi
  "$VENV/bin/python" -c 'import localstack.runtime.main, localstack.services.stores' ||
    die "installed LocalStack does not import"
  echo "$LS_REQUIREMENT deps<$LS_DEPS_CUTOFF python=$pyver" >"$VENV_MARKER"
  say "venv ready in $((SECONDS - t0)) s"
}

java_home() {
  local java
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    java="$JAVA_HOME/bin/java"
  else
    java=$(command -v java) || return 1
    java=$(readlink -f "$java")
  fi
  local spec
  spec=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  [[ "${spec%%.*}" =~ ^[0-9]+$ && "${spec%%.*}" -ge 17 ]] || return 1
  dirname "$(dirname "$java")"
}

# Lays out DynamoDB Local the way LocalStack's own installer would, from Maven Central.
ensure_dynamodb_local() {
  [[ ",$SERVICES," == *,dynamodb,* ]] || return 0
  local jh want="DynamoDBLocal $DDB_LOCAL_VERSION byte-buddy-agent $BYTE_BUDDY_AGENT_VERSION"
  jh=$(java_home) || die "DynamoDB Local needs Java 17+ (set JAVA_HOME or put java on PATH)"
  # LocalStack runs DynamoDB Local with the JRE it installs as "java 21"; point that at ours.
  mkdir -p "$VAR_LIBS/java"
  ln -sfn "$jh" "$VAR_LIBS/java/21"
  if [[ -f "$DDB_MARKER" && "$(<"$DDB_MARKER")" == "$want" && -f "$DDB_DIR/DynamoDBLocal.jar" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn is needed to fetch DynamoDB Local from Maven Central"
  say "fetching DynamoDB Local $DDB_LOCAL_VERSION from Maven Central"
  local work tmp="$DDB_DIR.tmp"
  work=$(mktemp -d)
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.localstack-sh</groupId><artifactId>dynamodb-local-fetch</artifactId>
  <version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>com.amazonaws</groupId><artifactId>DynamoDBLocal</artifactId>
      <version>$DDB_LOCAL_VERSION</version></dependency>
    <dependency><groupId>net.bytebuddy</groupId><artifactId>byte-buddy-agent</artifactId>
      <version>$BYTE_BUDDY_AGENT_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  if ! (cd "$work" && mvn -B -q -f pom.xml "$MVN_DEPENDENCY_PLUGIN:copy-dependencies" \
          -DoutputDirectory="$tmp/DynamoDBLocal_lib" -Dmdep.stripVersion=true) >"$STATE/mvn-dynamodb-local.log" 2>&1; then
    tail -n 30 "$STATE/mvn-dynamodb-local.log" >&2
    rm -rf "$work"
    die "could not fetch DynamoDB Local (log: $STATE/mvn-dynamodb-local.log)"
  fi
  rm -rf "$work"
  # LocalStack starts `java -javaagent:<dir>/ddb-local-loader-0.1.jar -jar <dir>/DynamoDBLocal.jar`.
  # Its agent only lifts the 20-GSI limit; byte-buddy-agent's premain does nothing of note.
  mv "$tmp/DynamoDBLocal_lib/byte-buddy-agent.jar" "$tmp/ddb-local-loader-0.1.jar"
  # The Maven jar's manifest Class-Path names the files of AWS's zip, so write a launcher jar whose
  # Class-Path lists the Maven jars instead.
  "$VENV/bin/python" - "$tmp" <<'EOF'
import os, sys, zipfile
d = sys.argv[1]
libs = sorted(f for f in os.listdir(os.path.join(d, "DynamoDBLocal_lib")) if f.endswith(".jar"))
libs.remove("DynamoDBLocal.jar")
libs.insert(0, "DynamoDBLocal.jar")
def line(text):  # manifest lines are at most 72 bytes, continued with a leading space
    b, out = text.encode(), []
    out.append(b[:72]); b = b[72:]
    while b:
        out.append(b" " + b[:71]); b = b[71:]
    return b"\r\n".join(out) + b"\r\n"
manifest = (line("Manifest-Version: 1.0")
            + line("Main-Class: com.amazonaws.services.dynamodbv2.local.main.ServerRunner")
            + line("Class-Path: " + " ".join("DynamoDBLocal_lib/" + f for f in libs)) + b"\r\n")
with zipfile.ZipFile(os.path.join(d, "DynamoDBLocal.jar"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/MANIFEST.MF", manifest)
EOF
  [[ -f "$tmp/DynamoDBLocal_lib/libsqlite4java-linux-amd64.so" || "$(uname -m)" != x86_64 ]] ||
    die "sqlite4java native library missing from the DynamoDB Local fetch"
  echo "$want" >"$tmp/.localstack-sh-install"
  rm -rf "$DDB_DIR"
  mv "$tmp" "$DDB_DIR"
}

# --- commands -----------------------------------------------------------------------------------

wait_gone() { # pid, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# LocalStack starts DynamoDB Local in a session of its own, so a group signal misses it.
descendants() {
  local c
  for c in $(pgrep -P "$1" 2>/dev/null || true); do
    echo "$c"
    descendants "$c"
  done
}

do_stop() { # [grace seconds before SIGKILL]
  local pid kids k grace="${1:-30}"
  if ! pid=$(running_pid); then
    rm -f "$PIDFILE"
    if port_open && [[ "$(health)" != absent ]]; then
      say "a LocalStack not started by this script answers on port $PORT; not touching it"
      return 1
    fi
    say "not running"
    return 0
  fi
  kids=$(descendants "$pid")
  say "stopping pid $pid"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$grace"; then
    say "still alive after $grace s, sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || die "pid $pid did not exit"
  fi
  kill -KILL -- "-$pid" 2>/dev/null || true # anything left in its process group
  for k in $kids; do # children LocalStack did not stop itself (DynamoDB Local's JVM)
    kill -0 "$k" 2>/dev/null || continue
    kill -TERM "$k" 2>/dev/null || true
    wait_gone "$k" 10 || kill -KILL "$k" 2>/dev/null || true
  done
  rm -f "$PIDFILE"
  say "stopped"
}

do_start() {
  local h pid
  h=$(health)
  if [[ "$h" == ok ]]; then
    say "already healthy on $BASE_URL"
    return 0
  fi
  if pid=$(running_pid); then
    say "pid $pid exists but is not healthy ($h); restarting it"
    do_stop
  elif port_open; then
    die "port $PORT is in use by something that is not a healthy LocalStack $LS_VERSION ($h)"
  fi
  rm -f "$PIDFILE"

  ensure_venv
  ensure_dynamodb_local

  mkdir -p "$STATE" "$FS_ROOT"
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  say "starting LocalStack $LS_VERSION on $BASE_URL (services: $SERVICES; log: $LOG)"
  local t0
  t0=$(date +%s%N)
  (
    exec 9>&- # do not hold the start/stop lock for LocalStack's lifetime
    # Keep the caller's AWS endpoint settings (meant for clients) away from LocalStack itself.
    for v in $(compgen -e | grep -E '^(AWS_ENDPOINT_URL|AWS_PROFILE$|AWS_CONFIG_FILE$)' || true); do unset "$v"; done
    cd "$STATE"
    export OVERRIDE_IN_DOCKER=0 # this machine has /.dockerenv; LocalStack would then use /var/lib/localstack
    export FILESYSTEM_ROOT="$FS_ROOT"
    export GATEWAY_LISTEN="127.0.0.1:$PORT"
    export LOCALSTACK_HOST="127.0.0.1:$PORT"
    export SERVICES="$SERVICES"
    export EAGER_SERVICE_LOADING=1 # load (and start DynamoDB Local) before reporting healthy
    export DNS_ADDRESS=0
    export SQS_ENDPOINT_STRATEGY=path # queue URLs http://127.0.0.1:PORT/queue/<region>/<acct>/<name>
    export DYNAMODB_IN_MEMORY=1
    export PERSISTENCE=0
    export DISABLE_EVENTS=1 SKIP_SSL_CERT_DOWNLOAD=1
    export DEBUG="${LOCALSTACK_DEBUG:-0}"
    # setsid: own session and process group, so `stop` can signal LocalStack and its JVM together.
    # The inner bash writes its own pid (setsid may fork), then becomes LocalStack.
    # shellcheck disable=SC2016
    exec setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PIDFILE" \
      "$VENV/bin/python" -m localstack.runtime.main </dev/null >>"$LOG" 2>&1
  ) &
  disown
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$PIDFILE" ]] && break
    sleep 0.1
  done
  pid=$(running_pid) || { tail -n 40 "$LOG" >&2 2>/dev/null; die "LocalStack exited at once"; }

  local deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    h=$(health)
    [[ "$h" == ok ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      say "LocalStack exited before it was healthy; last lines of $LOG:"
      tail -n 40 "$LOG" >&2
      rm -f "$PIDFILE"
      die "start failed"
    fi
    if ((SECONDS >= deadline)); then
      say "not healthy after ${START_TIMEOUT} s ($h); last lines of $LOG:"
      tail -n 40 "$LOG" >&2
      do_stop 5 || true # LocalStack 4.14 hangs on SIGTERM before its server is up
      die "start timed out"
    fi
    sleep 0.25
  done
  say "healthy after $((($(date +%s%N) - t0) / 1000000)) ms (pid $pid)"
}

do_status() {
  local h pid
  h=$(health)
  pid=$(running_pid || true)
  if [[ "$h" == ok ]]; then
    say "healthy on $BASE_URL${pid:+ (pid $pid)}"
    return 0
  fi
  if [[ -n "$pid" ]]; then
    say "pid $pid running but not healthy: $h"
    return 1
  fi
  if port_open; then
    say "not started by this script, but port $PORT answers: $h"
    return 1
  fi
  say "not running"
  return 3
}

cmd="${1:-}"
case "$cmd" in
  start | stop)
    mkdir -p "$STATE"
    exec 9>"$STATE/.lock"
    flock -w 900 9 || die "could not lock $STATE/.lock"
    "do_$cmd"
    ;;
  status) do_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
