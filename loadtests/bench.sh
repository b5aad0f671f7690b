#!/usr/bin/env bash
# Tollgate benchmark in one command: starts the vLLM simulator and the gateway in front of it as separate
# processes on free ports, runs the load-test harness against both (interleaved: direct vs gateway) at a few
# concurrency levels, samples the gateway's RSS/heap/CPU, writes the report, and stops what it started.
#
#   loadtests/bench.sh                              # steady, direct vs gateway at 50,200,500 streams, 30 s each
#   loadtests/bench.sh --levels 50,200 --duration 20s
#   loadtests/bench.sh --scenario slow-readers      # 1,000 slow readers through the gateway, RSS watched
#   loadtests/bench.sh --scenario idle-streams      # 2,000 streams waiting for the first token
#   loadtests/bench.sh --scenario aborts            # clients hanging up; the simulator counts the aborts
#   loadtests/bench.sh --scenario ramp --mode gateway
#   loadtests/bench.sh --pin                        # gateway on its own core, simulator and harness on the others
#   loadtests/bench.sh -- --input-len 512 --goodput ttft:500   # anything after -- goes to the harness
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SCENARIO=steady
MODE=""              # compare (direct vs gateway) | gateway | direct | aa; default per scenario
LEVELS="50,200,500"
DURATION="30s"
WARMUP=200
ITL_MS=""            # simulator inter-token time; default 50 ms (20 tokens/s per stream, a large model in a full batch),
                     # 5 ms for slow-readers so the server outruns the readers by far
INPUT_LEN=256
OUTPUT_LEN=128
REBUILD=0
PIN=0                # 1: the gateway on the last CPU, everything else on the others (taskset)
REPORT_DIR=""
HARNESS_ARGS=()

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  cat <<EOF

Options:
  --scenario NAME   steady | ramp | slow-readers | idle-streams | aborts (default: steady)
  --mode MODE       compare | gateway | direct | aa (default: compare for steady and aborts, gateway otherwise);
                    aa compares the simulator with itself: the noise floor of "added" latencies
  --levels LIST     concurrency levels for steady (default: $LEVELS)
  --duration TIME   how long each level sends (default: $DURATION)
  --warmup N        warm-up requests per target and level (default: $WARMUP)
  --itl-ms MS       simulator inter-token time (default: 50; slow-readers: 5)
  --input-len N     prompt tokens (default: $INPUT_LEN); --output-len N (default: $OUTPUT_LEN)
  --report-dir DIR  where the report goes (default: loadtests/reports/<timestamp>-<scenario>)
  --rebuild         rebuild the jars even if they exist
  --pin             give the gateway the last CPU to itself and the simulator and harness the others
                    (taskset), as in production where the gateway has its own cores; without it all
                    three share every CPU and the gateway's added latency includes their contention
  -- ARGS...        passed to 'tollgate-loadtest run' as they are
Environment: GATEWAY_JAVA_OPTS (e.g. "-Xmx512m") is given to the gateway's JVM.
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --scenario) SCENARIO="$2"; shift 2 ;;
    --mode) MODE="$2"; shift 2 ;;
    --levels) LEVELS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --itl-ms) ITL_MS="$2"; shift 2 ;;
    --input-len) INPUT_LEN="$2"; shift 2 ;;
    --output-len) OUTPUT_LEN="$2"; shift 2 ;;
    --report-dir) REPORT_DIR="$2"; shift 2 ;;
    --rebuild) REBUILD=1; shift ;;
    --pin) PIN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; HARNESS_ARGS=("$@"); break ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ -z "$ITL_MS" ]]; then
  if [[ "$SCENARIO" == slow-readers ]]; then ITL_MS=5; else ITL_MS=50; fi
fi
if [[ -z "$MODE" ]]; then
  case "$SCENARIO" in
    steady|aborts) MODE=compare ;;
    *) MODE=gateway ;;
  esac
fi

GW_PIN=()
OTHERS_PIN=()
if [[ $PIN == 1 ]]; then
  CPUS=$(nproc)
  if [[ $CPUS -lt 2 ]] || ! command -v taskset >/dev/null; then
    echo "bench.sh: --pin needs taskset and at least 2 CPUs" >&2; exit 2
  fi
  GW_PIN=(taskset -c "$((CPUS - 1))")
  OTHERS_PIN=(taskset -c "0-$((CPUS - 2))")
fi

SIM_JAR=gpu-adapter/target/tollgate-simulator.jar
GW_JAR=gateway/target/tollgate-gateway.jar
LT_JAR=loadtests/target/tollgate-loadtest.jar
if [[ $REBUILD == 1 || ! -f $SIM_JAR || ! -f $GW_JAR || ! -f $LT_JAR ]]; then
  echo "bench.sh: building the simulator, gateway and harness jars" >&2
  mvn -B -q -DskipTests -pl gpu-adapter,gateway,loadtests -am package
fi

SCRIPT_NAME=bench.sh
# shellcheck source=loadtests/lib.sh
source "$ROOT/loadtests/lib.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tollgate-bench.XXXXXX")"
SIM_PID=""
GW_PID=""
cleanup() {
  # Only what this script started, by pid.
  [[ -n "$GW_PID" ]] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null || true
  [[ -n "$SIM_PID" ]] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null || true
  rm -f "$WORK"/*.jar # the logs and the gateway config stay
}
trap cleanup EXIT INT TERM

# Run from copies: a jar rebuilt by someone else mid-run would break the JVM reading it.
cp "$SIM_JAR" "$WORK/simulator.jar" && SIM_JAR="$WORK/simulator.jar"
cp "$GW_JAR" "$WORK/gateway.jar" && GW_JAR="$WORK/gateway.jar"
cp "$LT_JAR" "$WORK/loadtest.jar" && LT_JAR="$WORK/loadtest.jar"

SIM_PORT=$(free_port)
GW_PORT=$(free_port)
ADMIN_PORT=$(free_port)
SIM_URL="http://127.0.0.1:$SIM_PORT"
GW_URL="http://127.0.0.1:$GW_PORT"

# The simulator: room for every stream of both targets at the largest level, so neither side queues.
"${OTHERS_PIN[@]}" java -Xmx1g -jar "$SIM_JAR" --port "$SIM_PORT" --model demo-llama --inter-token-ms "$ITL_MS" \
  --max-num-seqs 8192 --kv-cache-tokens 50000000 >"$WORK/simulator.log" 2>&1 &
SIM_PID=$!
wait_for "$SIM_URL/v1/models"

# The gateway: one key without limits (the benchmark measures the proxy path, not the limiter).
export TOLLGATE_KEY_PEPPER="bench-$RANDOM$RANDOM"
export TOLLGATE_ADMIN_TOKEN="bench-admin-$RANDOM$RANDOM"
MINT="$(java -jar "$GW_JAR" mint-key --id bench --org bench)"
API_KEY="$(grep -o 'tg-[A-Za-z0-9_-]*' <<<"$MINT" | head -1)"
KEY_HASH="$(grep -o 'hmac-sha256:[0-9a-f]*' <<<"$MINT" | head -1)"
if [[ -z "$API_KEY" || -z "$KEY_HASH" ]]; then
  echo "bench.sh: could not mint a key; mint-key printed:" >&2
  echo "$MINT" >&2
  exit 1
fi
cat >"$WORK/gateway.yaml" <<EOF
server:
  host: 127.0.0.1
  port: $GW_PORT
  adminHost: 127.0.0.1
  adminPort: $ADMIN_PORT
security:
  adminToken: \${TOLLGATE_ADMIN_TOKEN}
  keyPepper: \${TOLLGATE_KEY_PEPPER}
usage:
  spoolPath: $WORK/usage.jsonl
snapshot:
  defaults:
    limits: {requestsPerMinute: 0, tokensPerMinute: 0, maxConcurrentStreams: 0}
    maxTokens: 256
  backends:
    - {id: sim, url: "$SIM_URL"}
  models:
    - name: demo-llama
      backends: [sim]
  keys:
    - {id: bench, hash: "$KEY_HASH", org: bench, models: ["*"], limits: {requestsPerMinute: 0, tokensPerMinute: 0, maxConcurrentStreams: 0}}
EOF
# shellcheck disable=SC2086 # GATEWAY_JAVA_OPTS is a list of JVM options
"${GW_PIN[@]}" java ${GATEWAY_JAVA_OPTS:-} -jar "$GW_JAR" --config "$WORK/gateway.yaml" >"$WORK/gateway.log" 2>&1 &
GW_PID=$!
wait_for "$GW_URL/v1/models" "Authorization: Bearer $API_KEY" || { tail -20 "$WORK/gateway.log" >&2; exit 1; }

# Event-loop lag, where the gateway exposes Prometheus metrics on its admin port.
METRICS_ARGS=()
for path in /metrics /admin/metrics; do
  if curl -fsS -o /dev/null -H "Authorization: Bearer $TOLLGATE_ADMIN_TOKEN" \
      "http://127.0.0.1:$ADMIN_PORT$path" 2>/dev/null; then
    METRICS_ARGS=(--gateway-metrics-url "http://127.0.0.1:$ADMIN_PORT$path")
    break
  fi
done

case "$MODE" in
  compare) TARGET_ARGS=(--base-url "$SIM_URL" --label direct --compare-to "$GW_URL" --compare-label gateway
                        --compare-api-key "$API_KEY") ;;
  gateway) TARGET_ARGS=(--base-url "$GW_URL" --label gateway --api-key "$API_KEY") ;;
  direct)  TARGET_ARGS=(--base-url "$SIM_URL" --label direct) ;;
  # A/A: the simulator against itself, to see how far two identical targets differ (the noise floor)
  aa) TARGET_ARGS=(--base-url "$SIM_URL" --label direct --compare-to "$SIM_URL" --compare-label direct2) ;;
  *) echo "bench.sh: --mode must be compare, gateway, direct or aa" >&2; exit 2 ;;
esac

SCENARIO_ARGS=()
case "$SCENARIO" in
  steady) SCENARIO_ARGS=(--concurrency-sweep "$LEVELS" --duration "$DURATION" --request-rate inf
                         --warmup "$WARMUP" --input-len "$INPUT_LEN" --output-len "$OUTPUT_LEN" --ignore-eos) ;;
  ramp) SCENARIO_ARGS=(--input-len "$INPUT_LEN" --output-len "$OUTPUT_LEN" --ignore-eos --warmup "$WARMUP") ;;
  *) ;;
esac

echo "bench.sh: simulator pid $SIM_PID at $SIM_URL, gateway pid $GW_PID at $GW_URL; logs in $WORK" >&2
"${OTHERS_PIN[@]}" java -jar "$LT_JAR" run --scenario "$SCENARIO" "${TARGET_ARGS[@]}" --model demo-llama \
  --gateway-pid "$GW_PID" "${METRICS_ARGS[@]}" --sim-url "$SIM_URL" \
  ${REPORT_DIR:+--report-dir "$REPORT_DIR"} "${SCENARIO_ARGS[@]}" "${HARNESS_ARGS[@]}"
