#!/usr/bin/env bash
# Compose Relay's benchmark (issue #5; method and figures in docs/PERFORMANCE.md).
#
#   bench/run.sh            full run: 10 cold rounds + the extra cold variants, JMH 2 forks x 5 x 5 s
#   bench/run.sh --quick    CI run (reporting, not gating): 3 cold rounds, short JMH; about 3 min
#
# Options:
#   --quick                 few rounds, short JMH, no extra cold variants
#   --rounds N              cold rounds (default 10, quick 3)
#   --relay-target DIR      measure the jars already built in DIR (e.g. ./target after ./run-tests.sh)
#                           instead of building a private copy of the working tree
#   --cold-only | --warm-only
#   --extra / --no-extra    add (or not) the extra cold variants: plain with an AOT cache, AppCDS,
#                           AOT cache trained on the constructor only, full tiered compilation
#   --variant SPEC          add a cold variant: name;classpath;handler;none|aot|aot-init|cds;JAVA_TOOL_OPTIONS
#   --task-variant SPEC     add a variant to the first rollout task's cold runs (same form; a relay with rollouts)
#   --lambda-cpu MB         also run the cold comparison under Lambda's CPU allocation for a function of
#                           MB memory (cgroup quotas: the constructor on one vCPU, the invocation on
#                           MB/1769 of one); default: template.yaml's MemorySize; 0: skip
# Environment:
#   BENCH_JAVA_OPTS         JVM flags of every measured process (default: Lambda java25's C1-only
#                           tiered compilation and SerialGC, heap sized as for a 512 MB function)
#   BENCH_LOCALSTACK_PORT   this benchmark's own LocalStack (default 4567; never the tests' 4566)
#   BENCH_PHALA_PORT        the Phala stand-in for the cold runs (default 18089)
#   BENCH_STUB_PORT         the warm benchmarks' in-process loopback stub (default 18090)
#   BENCH_IDEMPOTENCY       1: configure the idempotency table as template.yaml does (DynamoDB in
#                           LocalStack for the cold runs); 0: leave IDEMPOTENCY_TABLE_NAME unset.
#                           Default: 1 when the relay's source reads IDEMPOTENCY_TABLE_NAME.
#
# It builds the relay from a private copy of the working tree (bench/work/relay-src) so the
# repository's own target/ is never touched, starts its own LocalStack (secretsmanager, sns, sqs,
# dynamodb, and stepfunctions when the relay has rollouts) and Phala stand-in and stops them at the
# end. With rollouts it also times the first rollout task after a cold start (a `check` task from
# the task queue: DynamoDB, Phala's status batch, SendTaskSuccess). Results: bench/work/results/
# (summary.md, the cold samples as CSV, JMH's JSON and log).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
. scripts/java-home.sh

QUICK=
ROUNDS=
RELAY_TARGET=
COLD=1
WARM=1
EXTRA=
LAMBDA_CPU=
USER_VARIANTS=()
TASK_VARIANTS=()
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --relay-target) RELAY_TARGET=$(cd "$2" && pwd); shift ;;
    --cold-only) WARM= ;;
    --warm-only) COLD= ;;
    --extra) EXTRA=1 ;;
    --no-extra) EXTRA=0 ;;
    --variant) USER_VARIANTS+=("$2"); shift ;;
    --task-variant) TASK_VARIANTS+=("$2"); shift ;;
    --lambda-cpu) LAMBDA_CPU=$2; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [[ -n "$QUICK" ]]; then
  ROUNDS=${ROUNDS:-3}; EXTRA=${EXTRA:-0}
else
  ROUNDS=${ROUNDS:-10}; EXTRA=${EXTRA:-1}
fi
[[ "$EXTRA" == 0 ]] && EXTRA=

JAVA_OPTS=${BENCH_JAVA_OPTS:-"-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=512m"}
LS_PORT=${BENCH_LOCALSTACK_PORT:-4567}
PHALA_PORT=${BENCH_PHALA_PORT:-18089}
STUB_PORT=${BENCH_STUB_PORT:-18090}
IDEMPOTENCY=${BENCH_IDEMPOTENCY:-}
if [[ -z "$IDEMPOTENCY" ]]; then
  IDEMPOTENCY=0
  grep -rqs IDEMPOTENCY_TABLE_NAME src/main/java && IDEMPOTENCY=1
fi
TABLE=
LS_SERVICES=secretsmanager,sns,sqs
if [[ "$IDEMPOTENCY" == 1 ]]; then
  TABLE=compose-relay-idempotency
  LS_SERVICES=secretsmanager,sns,sqs,dynamodb
fi
# Rollouts (issue 19) are on when the state machine's ARN is set, as template.yaml sets it; the table keeps them.
ROLLOUTS=0
if [[ "$IDEMPOTENCY" == 1 ]] && grep -rqs ROLLOUT_STATE_MACHINE_ARN src/main/java; then
  ROLLOUTS=1
  LS_SERVICES=$LS_SERVICES,stepfunctions,sts
fi
# The first rollout task's scenario (bench/src/.../plain/RolloutSetup.java): one CVM of one app, running
# its hash from before, in the Phala stand-in.
TASK_APP=b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0
TASK_VM_UUID=5b1d0c9e-0000-4000-8000-00000000b001
TASK_HASH_BEFORE=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
TASK_HASH_NEW=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
BT="$REPO/bench/target"   # the benchmark project's build output (mvn clean wipes it)
WORK="$REPO/bench/work"   # the relay's private build, LocalStack's state, results
OUT="$WORK/results"
LS_STATE="$WORK/localstack"
MVN=("$REPO/mvnw" -B -ntp -q)
T0=$SECONDS

stage() { echo; echo "=== bench: $* ($(date -u +%H:%M:%S), +$((SECONDS - T0)) s)"; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

standin_pid=
started_localstack=
cleanup() {
  if [[ -n "$standin_pid" ]]; then kill "$standin_pid" 2>/dev/null || true; fi
  if [[ -n "$started_localstack" ]]; then
    LOCALSTACK_PORT=$LS_PORT LOCALSTACK_STATE_DIR=$LS_STATE scripts/localstack.sh stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

mkdir -p "$WORK"
rm -rf "$OUT"
mkdir -p "$OUT"

# --- build ----------------------------------------------------------------------------------------
if [[ -z "$RELAY_TARGET" ]]; then
  stage "build the relay from a copy of the working tree"
  rm -rf "$WORK/relay-src"
  mkdir -p "$WORK/relay-src"
  RELAY_REV="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$([[ -n "$(git status --porcelain -- src pom.xml 2>/dev/null)" ]] && echo ' + uncommitted changes' || true)"
  cp -r pom.xml src "$WORK/relay-src/"
  "${MVN[@]}" -f "$WORK/relay-src/pom.xml" clean package -DskipTests
  RELAY_TARGET="$WORK/relay-src/target"
  RELAY_POM="$WORK/relay-src/pom.xml"
else
  RELAY_REV="jars in $RELAY_TARGET"
  RELAY_POM="$RELAY_TARGET/../pom.xml"
  [[ -f "$RELAY_POM" ]] || RELAY_POM="$REPO/pom.xml"
fi
RELAY_JAR=$(ls "$RELAY_TARGET"/compose-relay-*.jar 2>/dev/null | head -n1)
ORIGINAL_JAR=$(ls "$RELAY_TARGET"/original-compose-relay-*.jar 2>/dev/null | head -n1)
[[ -f "$RELAY_JAR" && -f "$ORIGINAL_JAR" && -d "$RELAY_TARGET/test-classes" ]] ||
  die "no relay jars and test classes in $RELAY_TARGET (build it with ./mvnw package first)"

stage "build the benchmark project (bench/pom.xml) against $(basename "$RELAY_JAR")"
# The relay's unshaded classes with its own pom, under a name no other build uses.
sed -e '0,/<artifactId>compose-relay<\/artifactId>/s//<artifactId>compose-relay-under-bench<\/artifactId>/' \
    -e '0,/<version>[^<]*<\/version>/s//<version>0-bench<\/version>/' "$RELAY_POM" >"$WORK/relay-under-bench.pom"
"${MVN[@]}" -f bench/pom.xml install:install-file -Dfile="$ORIGINAL_JAR" -DpomFile="$WORK/relay-under-bench.pom"
SDK_VERSION=$(sed -n 's:.*<aws.sdk.version>\(.*\)</aws.sdk.version>.*:\1:p' "$RELAY_POM" | head -n1)
SLF4J_VERSION=$(sed -n 's:.*<slf4j.version>\(.*\)</slf4j.version>.*:\1:p' "$RELAY_POM" | head -n1)
"${MVN[@]}" -f bench/pom.xml clean package -Daws.sdk.version="$SDK_VERSION" ${SLF4J_VERSION:+-Dslf4j.version=$SLF4J_VERSION}
COLDSTART_JAR="$BT/compose-relay-bench-coldstart.jar"
PLAIN_JAR="$BT/plain.jar"
# The plain build replaces only the relay's AwsClients: both must offer the same public members.
api() { javap -public -cp "$1" com.composerelay.aws.AwsClients | grep -v '^Compiled from' | sed 's/ *$//' | sort; }
if ! diff <(api "$ORIGINAL_JAR") <(api "$BT/compose-relay-bench.jar") >"$WORK/awsclients.diff"; then
  cat "$WORK/awsclients.diff" >&2
  die "the relay's AwsClients and the plain build's (bench/src/main/java/com/composerelay/aws/AwsClients.java) differ; make the plain one offer the same members"
fi

relay_bytes=$(stat -c %s "$RELAY_JAR")
plain_bytes=$(stat -c %s "$PLAIN_JAR")
relay_classes=$(unzip -Z1 "$RELAY_JAR" | grep -c '\.class$' || true)
plain_classes=$(unzip -Z1 "$PLAIN_JAR" | grep -c '\.class$' || true)
SIZES=$(awk -v n="$(basename "$RELAY_JAR")" -v rb="$relay_bytes" -v rc="$relay_classes" -v pb="$plain_bytes" -v pc="$plain_classes" 'BEGIN {
  print "| artifact | bytes | MB | classes in the jar |"; print "|---|---:|---:|---:|"
  printf "| %s (deployed) | %d | %.2f | %d |\n", n, rb, rb / 1e6, rc
  printf "| plain build (bench/target/plain.jar) | %d | %.2f | %d |\n", pb, pb / 1e6, pc }')

# --- cold -----------------------------------------------------------------------------------------
if [[ -n "$COLD" ]]; then
  stage "start LocalStack on $LS_PORT ($LS_SERVICES) and the Phala stand-in on $PHALA_PORT"
  port_free "$PHALA_PORT" || die "port $PHALA_PORT is taken; set BENCH_PHALA_PORT"
  if ! LOCALSTACK_PORT=$LS_PORT LOCALSTACK_STATE_DIR=$LS_STATE LOCALSTACK_SERVICES=$LS_SERVICES \
      scripts/localstack.sh status >/dev/null 2>&1; then
    started_localstack=1
    LOCALSTACK_PORT=$LS_PORT LOCALSTACK_STATE_DIR=$LS_STATE LOCALSTACK_SERVICES=$LS_SERVICES \
      scripts/localstack.sh start
  fi
  java -Dphala.standin.cvms="$TASK_APP:$TASK_VM_UUID:$TASK_HASH_BEFORE" -cp "$RELAY_TARGET/test-classes" \
    com.composerelay.local.PhalaStandIn "$PHALA_PORT" >"$OUT/phala-standin.log" 2>&1 &
  standin_pid=$!
  for _ in $(seq 100); do port_free "$PHALA_PORT" || break; sleep 0.1; done
  port_free "$PHALA_PORT" && die "the Phala stand-in did not start (see $OUT/phala-standin.log)"

  # What Lambda would give the function (no profile files there), pointed at the local emulators.
  export AWS_ENDPOINT_URL="http://127.0.0.1:$LS_PORT" AWS_REGION=us-east-1
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  export AWS_CONFIG_FILE="$WORK/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/no-aws-credentials"
  unset AWS_PROFILE AWS_DEFAULT_REGION JAVA_TOOL_OPTIONS
  export PHALA_API_KEY_SECRET_ID=compose-relay/phala-api-key
  export PHALA_API_BASE_URL="http://127.0.0.1:$PHALA_PORT"
  if [[ -n "$TABLE" ]]; then export IDEMPOTENCY_TABLE_NAME=$TABLE; else unset IDEMPOTENCY_TABLE_NAME; fi
  OUTCOME_TOPIC_ARN=$(java -cp "$PLAIN_JAR" com.composerelay.bench.plain.Setup "$PHALA_API_KEY_SECRET_ID" \
    compose-relay-outcomes "$TABLE")
  export OUTCOME_TOPIC_ARN
  if [[ "$ROLLOUTS" == 1 ]]; then
    # As template.yaml configures the function; the state machine is never started here (any ARN does).
    export ROLLOUT_STATE_MACHINE_ARN=arn:aws:states:us-east-1:000000000000:stateMachine:compose-relay-rollouts
    export ROLLOUT_TASK_QUEUE_ARN=arn:aws:sqs:us-east-1:000000000000:compose-relay-rollout-tasks
    java -cp "$PLAIN_JAR" com.composerelay.bench.plain.RolloutSetup "$TABLE" "bench-$(date -u +%Y%m%d%H%M%S)-$$" \
      "$TASK_APP" "$TASK_VM_UUID" "$TASK_HASH_BEFORE" "$TASK_HASH_NEW" "$ROLLOUT_TASK_QUEUE_ARN" "$OUT/rollout-task.json"
  else
    unset ROLLOUT_STATE_MACHINE_ARN ROLLOUT_TASK_QUEUE_ARN
  fi

  stage "cold start: $ROUNDS rounds"
  RELAY_CP="$RELAY_JAR:$COLDSTART_JAR"
  variants=(
    "floor;$COLDSTART_JAR;hello;none;"
    "plain;$PLAIN_JAR;com.composerelay.RelayHandler;none;"
    "relay;$RELAY_CP;com.composerelay.RelayHandler;none;"
    "relay+aot;$RELAY_CP;com.composerelay.RelayHandler;aot;"
  )
  if [[ -n "$EXTRA" ]]; then
    variants+=(
      "plain+aot;$PLAIN_JAR;com.composerelay.RelayHandler;aot;"
      "relay+aot-init;$RELAY_CP;com.composerelay.RelayHandler;aot-init;"
      "relay+cds;$RELAY_CP;com.composerelay.RelayHandler;cds;"
      "relay-c2;$RELAY_CP;com.composerelay.RelayHandler;none;-XX:TieredStopAtLevel=4"
    )
  fi
  variants+=(${USER_VARIANTS[@]+"${USER_VARIANTS[@]}"})
  args=()
  for v in "${variants[@]}"; do args+=(--variant "$v"); done
  user_args=()
  for v in ${USER_VARIANTS[@]+"${USER_VARIANTS[@]}"}; do user_args+=(--variant "$v"); done
  java -cp "$BT/compose-relay-bench.jar" com.composerelay.bench.driver.ColdBench \
    --flags "$JAVA_OPTS" --event "$REPO/events/http-api.json" --work "$OUT/cold" \
    --rounds "$ROUNDS" --warmup 1 "${args[@]}"

  if [[ -z "$LAMBDA_CPU" ]]; then
    LAMBDA_CPU=$(sed -n 's/^ *MemorySize: *\([0-9][0-9]*\).*/\1/p' template.yaml | head -n1)
  fi
  if [[ "${LAMBDA_CPU:-0}" != 0 ]]; then
    stage "cold start under Lambda's CPU allocation at $LAMBDA_CPU MB: $ROUNDS rounds"
    java -cp "$BT/compose-relay-bench.jar" com.composerelay.bench.driver.ColdBench \
      --flags "$JAVA_OPTS" --event "$REPO/events/http-api.json" --work "$OUT/cold-lambda" \
      --rounds "$ROUNDS" --warmup 1 --lambda-cpu "$LAMBDA_CPU" \
      --variant "floor;$COLDSTART_JAR;hello;none;" \
      --variant "plain;$PLAIN_JAR;com.composerelay.RelayHandler;none;" \
      --variant "relay;$RELAY_CP;com.composerelay.RelayHandler;none;" \
      --variant "relay+aot;$RELAY_CP;com.composerelay.RelayHandler;aot;" ${user_args[@]+"${user_args[@]}"}

    # Slack gives a slash command 3 s: the Slack route's cold start, on the same CPU model.
    stage "a slash command's cold start under Lambda's CPU allocation at $LAMBDA_CPU MB: $ROUNDS rounds"
    slack_secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ComposeRelayFunction"]["SAMPLE_SLACK_SIGNING_SECRET"])' events/env.json)
    queue_url=$(java -cp "$PLAIN_JAR" com.composerelay.bench.plain.SlackSetup compose-relay/slack-signing-secret \
      "$slack_secret" compose-relay-requests)
    python3 scripts/sign-event.py events/slack-command.json >"$OUT/slack-command.json"
    SLACK_SIGNING_SECRET_ID=compose-relay/slack-signing-secret SLACK_ALLOWLIST='T0001/C0001/*=cvm_*' \
    REQUEST_QUEUE_URL=$queue_url \
      java -cp "$BT/compose-relay-bench.jar" com.composerelay.bench.driver.ColdBench \
      --flags "$JAVA_OPTS" --event "$OUT/slack-command.json" --expect 200 --what "answered slash command" \
      --work "$OUT/cold-slack" --rounds "$ROUNDS" --warmup 1 --lambda-cpu "$LAMBDA_CPU" \
      --variant "floor;$COLDSTART_JAR;hello;none;" \
      --variant "plain;$PLAIN_JAR;com.composerelay.RelayHandler;none;" \
      --variant "relay;$RELAY_CP;com.composerelay.RelayHandler;none;" \
      --variant "relay+aot;$RELAY_CP;com.composerelay.RelayHandler;aot;"
  fi

  if [[ "$ROLLOUTS" == 1 ]]; then
    # The first rollout task after a cold start: a check of wave 1 from the task queue (the relay's
    # slowest-to-start task path: two tables, Phala's fleet calls, Step Functions), on the CPU model
    # of the function when there is one.
    task_cpu=()
    task_model="two free cores"
    if [[ "${LAMBDA_CPU:-0}" != 0 ]]; then task_cpu=(--lambda-cpu "$LAMBDA_CPU"); task_model="Lambda's CPU allocation at $LAMBDA_CPU MB"; fi
    stage "the first rollout task's cold start ($task_model): $ROUNDS rounds"
    # The quick run (CI) times the relay alone here (about 10 s); the plain build (3-4 s a process
    # under this CPU model) and the AOT cache only in a full run.
    task_variants=(--variant "relay;$RELAY_CP;com.composerelay.RelayHandler;none;")
    if [[ -z "$QUICK" ]]; then
      task_variants=(--variant "plain;$PLAIN_JAR;com.composerelay.RelayHandler;none;" "${task_variants[@]}"
        --variant "relay+aot;$RELAY_CP;com.composerelay.RelayHandler;aot;")
    fi
    for v in ${TASK_VARIANTS[@]+"${TASK_VARIANTS[@]}"}; do task_variants+=(--variant "$v"); done
    java -cp "$BT/compose-relay-bench.jar" com.composerelay.bench.driver.ColdBench \
      --flags "$JAVA_OPTS" --event "$OUT/rollout-task.json" --expect no-batch-item-failures \
      --what "answered rollout task" --work "$OUT/cold-task" --rounds "$ROUNDS" --warmup 1 \
      ${task_cpu[@]+"${task_cpu[@]}"} "${task_variants[@]}"
  fi

  kill "$standin_pid" 2>/dev/null || true
  standin_pid=
  if [[ -n "$started_localstack" ]]; then
    LOCALSTACK_PORT=$LS_PORT LOCALSTACK_STATE_DIR=$LS_STATE scripts/localstack.sh stop >/dev/null 2>&1 || true
    started_localstack=
  fi
fi

# --- warm (JMH) -----------------------------------------------------------------------------------
if [[ -n "$WARM" ]]; then
  if [[ -n "$QUICK" ]]; then
    JMH_ARGS=(-f 1 -wi 3 -w 2s -i 3 -r 3s)
  else
    JMH_ARGS=(-f 2 -wi 5 -w 3s -i 5 -r 5s)
  fi
  stage "warm path and batch: JMH ${JMH_ARGS[*]}"
  port_free "$STUB_PORT" || die "port $STUB_PORT is taken; set BENCH_STUB_PORT"
  (
    export BENCH_STUB_PORT=$STUB_PORT
    export PHALA_API_BASE_URL="http://127.0.0.1:$STUB_PORT" AWS_ENDPOINT_URL="http://127.0.0.1:$STUB_PORT"
    export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
    export AWS_CONFIG_FILE="$WORK/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/no-aws-credentials"
    export PHALA_API_KEY_SECRET_ID=compose-relay/phala-api-key
    export OUTCOME_TOPIC_ARN=arn:aws:sns:us-east-1:000000000000:compose-relay-outcomes
    if [[ -n "$TABLE" ]]; then export IDEMPOTENCY_TABLE_NAME=$TABLE; else unset IDEMPOTENCY_TABLE_NAME; fi
    unset AWS_PROFILE AWS_DEFAULT_REGION JAVA_TOOL_OPTIONS
    java -jar "$BT/benchmarks.jar" WarmRelayBenchmark "${JMH_ARGS[@]}" \
      -jvmArgsAppend "$JAVA_OPTS -Dbench.cpuFile=$OUT/jmh-cpu.txt -Dbench.plainJar=$PLAIN_JAR" \
      -rf json -rff "$OUT/jmh.json" >"$OUT/jmh.log" 2>&1 ||
      { tail -n 60 "$OUT/jmh.log" >&2; exit 1; }
  ) || die "JMH failed (log: $OUT/jmh.log)"
  grep -E '^(Benchmark|WarmRelayBenchmark)' "$OUT/jmh.log" | grep -E 'Benchmark +Mode|sample +[0-9]+ |p0\.(50|99) ' || true
  java -cp "$BT/benchmarks.jar" com.composerelay.bench.warm.JmhSummary "$OUT/jmh.json" "$OUT/jmh-cpu.txt" "$OUT/warm-table.md" >/dev/null
fi

# --- summary --------------------------------------------------------------------------------------
stage "summary (also in $OUT/summary.md)"
{
  echo "# Compose Relay benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "relay: $RELAY_REV; $(java -version 2>&1 | sed -n 2p); $(nproc) cores; $([[ -n "$QUICK" ]] && echo quick || echo full) mode; idempotency table: ${TABLE:-none}"
  echo
  echo "$SIZES"
  echo
  [[ -f "$OUT/cold/cold-table.md" ]] && { cat "$OUT/cold/cold-table.md"; echo; }
  [[ -f "$OUT/cold-lambda/cold-table.md" ]] && { cat "$OUT/cold-lambda/cold-table.md"; echo; }
  [[ -f "$OUT/cold-slack/cold-table.md" ]] && { cat "$OUT/cold-slack/cold-table.md"; echo; }
  [[ -f "$OUT/cold-task/cold-table.md" ]] && { cat "$OUT/cold-task/cold-table.md"; echo; }
  [[ -f "$OUT/warm-table.md" ]] && { cat "$OUT/warm-table.md"; echo; }
  echo "Targets (issue #5):"
  awk -v b="$relay_bytes" 'BEGIN { printf "- artifact < 10 MB: %.2f MB (%d bytes): %s\n", b / 1e6, b, (b < 1e7 ? "met" : "MISSED") }'
  [[ -f "$OUT/cold/cold-targets.txt" ]] && cat "$OUT/cold/cold-targets.txt"
  [[ -f "$OUT/cold-lambda/cold-targets.txt" ]] && cat "$OUT/cold-lambda/cold-targets.txt"
  [[ -f "$OUT/warm-targets.txt" ]] && cat "$OUT/warm-targets.txt"
  echo
  echo "bench/run.sh took $((SECONDS - T0)) s"
} | tee "$OUT/summary.md"
