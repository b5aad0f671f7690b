#!/usr/bin/env bash
# Tollgate next to its peers, in one interleaved run: the same requests (wrk, closed loop) sent straight to a
# fast OpenAI-style upstream stub ("direct"), through nginx (proxy_pass, buffering off, keep-alive pool), and
# through the gateway (standalone: auth + limits + usage on; with --platform also the gateway in platform mode,
# keys and limits in Redis and usage to RabbitMQ; with --targets …,floor,vxfloor also featureless Java proxies, the
# floors: peers-floor on plain Netty, and on Vert.x's HTTP server as the gateway runs it). Prints, per cell (small / stream × connections), each
# target's req/s, p50/p99 latency, CPU per request, RSS, the ratios to nginx and the latency added over direct
# (medians over rounds), and writes loadtests/reports/<timestamp>-peers/summary.md. Stops all it started.
#
#   loadtests/peers.sh                                  # 3 rounds × {small, stream} × {8, 64} conns × 15 s
#   loadtests/peers.sh --rounds 2 --duration 10         # quicker
#   loadtests/peers.sh --platform                       # also the gateway in platform mode (Redis, RabbitMQ)
#   loadtests/peers.sh --cells stream --connections 64 --targets nginx,gateway
#   loadtests/peers.sh --targets nginx,floor,vxfloor,gateway   # also the Java floors (no features)
#   loadtests/peers.sh --pin                            # proxies on the last CPU, stub and wrk on the others
#   GATEWAY_JAVA_OPTS="-Xms256m -Xmx256m" loadtests/peers.sh
#   loadtests/peers.sh --baseline-jar /tmp/old/tollgate-gateway.jar   # also a previous build, interleaved
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COMMAND="loadtests/peers.sh"
if (( $# > 0 )); then COMMAND+="$(printf ' %q' "$@")"; fi

ROUNDS=3
DURATION=15          # seconds per measured run
WARMUP=30            # seconds per gateway and cell kind before the first round (direct, nginx: at most 5)
WARMUP_MAX=240       # a JVM's warm-up goes on past WARMUP, 5 s at a time, until its JIT compilers settle, up to this
JIT_SETTLED=3        # settled: the compiler threads took under this % of the process's CPU in the last 5 s
CONNECTIONS="8,64"
CELLS="small,stream"
TARGETS="direct,nginx,gateway"
PLATFORM=0
BASE_JAR=""
BASE_PLATFORM=0
DRAIN=1
PLATFORM_SET=()
BASELINE_SET=()
PIN=0
REBUILD=0
REPORT_DIR=""
SMALL_TOKENS=8
STREAM_TOKENS=64
STUB_FLUSH_EVERY=1
WRK_THREADS=2
NGINX_ACCESS_LOG=0
# The Helm chart's JVM options (charts/gateway/values.yaml, read from there), in a pod of the chart's 1 GiB:
# what a deployed gateway runs with, heap sizing included (a fixed heap hid a collector setting that made
# every young collection a full one; docs/adr/0010-gateway-gc.md).
CHART_JAVA_OPTS="$(sed -n 's/^javaToolOptions: "\(.*\)"$/\1/p' charts/gateway/values.yaml)"
[[ -n "$CHART_JAVA_OPTS" ]] || { echo "peers.sh: no javaToolOptions line in charts/gateway/values.yaml" >&2; exit 2; }
CHART_JAVA_OPTS+=" -XX:MaxRAM=1g"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:-$CHART_JAVA_OPTS}"
BASELINE_JAVA_OPTS="${BASELINE_JAVA_OPTS:-$GATEWAY_JAVA_OPTS}"
# VAR=VALUE words added to the gateways' environment (GATEWAY_ENV: standalone and platform; BASELINE_ENV: the
# baseline), e.g. BASELINE_ENV=TOLLGATE_TRANSPORT=io_uring with --baseline-jar of the same jar.
read -r -a GATEWAY_ENV_WORDS <<<"${GATEWAY_ENV:-}"
read -r -a BASELINE_ENV_WORDS <<<"${BASELINE_ENV:-}"
REDIS_URL="${TOLLGATE_REDIS_URL:-redis://127.0.0.1:6379}"
RABBITMQ_URL="${TOLLGATE_RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}"

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  cat <<EOF

Options:
  --rounds N          rounds; each runs every cell for every target, the targets' order rotated by one
                      each round so drift hits all alike; figures are medians over rounds (default: $ROUNDS)
  --duration S        seconds per measured run (default: $DURATION)
  --warmup S          seconds of load per gateway and cell kind before the first round, not measured
                      (default: $WARMUP); direct and nginx get the same, at most 5 s. A JVM's warm-up then goes
                      on, 5 s at a time, until its JIT compilers (the C1 and C2 threads) took under $JIT_SETTLED %
                      of its CPU in the last 5 s (on a slow host C2 still compiles a minute into the load, and its
                      CPU would count as the requests'), up to --warmup-max S in all (default: $WARMUP_MAX)
  --connections LIST  wrk connections (closed loop: each sends its next request when the last one ended)
                      (default: $CONNECTIONS)
  --cells LIST        small = non-streamed, max_tokens $SMALL_TOKENS; stream = $STREAM_TOKENS tokens streamed with
                      stream_options.include_usage (default: $CELLS)
  --targets LIST      direct, nginx, floor, vxfloor, gateway, platform (default: $TARGETS); floor = peers-floor, a
                      reverse proxy in plain Netty with none of the gateway's features (what Java costs); vxfloor =
                      the same on Vert.x's HTTP server, as the gateway's front runs (what Vert.x's server costs)
  --baseline-jar JAR  add a second standalone gateway run from JAR (a previous build), configured alike and
                      interleaved with the rest: what a change bought, in the same run
  --baseline-platform the baseline runs in platform mode (keys in Redis, usage to RabbitMQ, queues of its own),
                      beside the platform-mode gateway: what a change bought in platform mode (implies --platform)
  --platform          add the platform-mode gateway (Redis $REDIS_URL, RabbitMQ; scripts/services.sh
                      starts them if they are not running)
  --no-drain          leave the platform gateways' usage queues without a consumer (default: peers-drain takes
                      and acknowledges their messages as the analytics consumer would, so the broker runs in its
                      steady state; its CPU is reported apart)
  --platform-set S.K=V  a setting of the platform gateway's redis or rabbitmq section (repeatable), e.g.
                      rabbitmq.batchMaxDelayMs=5; --baseline-set S.K=V alike for the platform-mode baseline
  --pin               proxies (nginx's workers, the gateways) on the last CPU, the stub and wrk on the others
                      (taskset); nginx then gets 1 worker and the gateways 1 event loop
  --stub-flush-every N  the stub flushes a stream every N events (default: 1, each event alone, as vLLM)
  --nginx-access-log  nginx writes an access log as the gateway does (a JSON line per request, buffered 64 KB,
                      flushed at least every second); default: access_log off, nginx's cheapest setting
  --small-tokens N    max_tokens of the small cell (default: $SMALL_TOKENS); --stream-tokens N (default: $STREAM_TOKENS)
  --wrk-threads N     wrk threads (default: $WRK_THREADS)
  --report-dir DIR    where summary.md goes (default: loadtests/reports/<timestamp>-peers)
  --rebuild           rebuild the gateway and load-test jars even if they exist
Environment: GATEWAY_JAVA_OPTS (default: the gateway chart's javaToolOptions and -XX:MaxRAM=1g, its pod's memory:
"$CHART_JAVA_OPTS") for the gateways' JVMs, BASELINE_JAVA_OPTS for the
baseline's (default: the same; with --baseline-jar of the same jar, two JVM settings side by side); GATEWAY_ENV and
BASELINE_ENV, VAR=VALUE words for their environments (e.g. BASELINE_ENV=TOLLGATE_TRANSPORT=io_uring); TOLLGATE_REDIS_URL and
TOLLGATE_RABBITMQ_URL for --platform. Needs wrk, nginx, curl (wrk and nginx are installed from the OS packages
when missing, as root or with sudo -n).
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="${2%s}"; shift 2 ;;
    --warmup) WARMUP="${2%s}"; shift 2 ;;
    --warmup-max) WARMUP_MAX="${2%s}"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --cells) CELLS="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --platform) PLATFORM=1; shift ;;
    --baseline-jar) BASE_JAR="$2"; shift 2 ;;
    --baseline-platform) BASE_PLATFORM=1; PLATFORM=1; shift ;;
    --no-drain) DRAIN=0; shift ;;
    --platform-set) PLATFORM_SET+=("$2"); shift 2 ;;
    --baseline-set) BASELINE_SET+=("$2"); shift 2 ;;
    --pin) PIN=1; shift ;;
    --stub-flush-every) STUB_FLUSH_EVERY="$2"; shift 2 ;;
    --nginx-access-log) NGINX_ACCESS_LOG=1; shift ;;
    --small-tokens) SMALL_TOKENS="$2"; shift 2 ;;
    --stream-tokens) STREAM_TOKENS="$2"; shift 2 ;;
    --wrk-threads) WRK_THREADS="$2"; shift 2 ;;
    --report-dir) REPORT_DIR="$2"; shift 2 ;;
    --rebuild) REBUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "peers.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "peers.sh: $*" >&2; exit 2; }
log() { echo "peers.sh: $*" >&2; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
for n in "$ROUNDS" "$DURATION" "$WARMUP" "$STUB_FLUSH_EVERY" "$SMALL_TOKENS" "$STREAM_TOKENS" "$WRK_THREADS"; do
  is_uint "$n" || die "'$n' is not a whole number"
done
(( ROUNDS >= 1 && DURATION >= 1 && STUB_FLUSH_EVERY >= 1 && SMALL_TOKENS >= 1 && STREAM_TOKENS >= 1 \
   && WRK_THREADS >= 1 )) || die "--rounds, --duration, --wrk-threads and token counts must be at least 1"

IFS=, read -r -a CONNS <<<"$CONNECTIONS"
IFS=, read -r -a KINDS <<<"$CELLS"
IFS=, read -r -a TLIST <<<"$TARGETS"
for c in "${CONNS[@]}"; do is_uint "$c" && (( c >= 1 )) || die "--connections: '$c' is not a positive number"; done
for k in "${KINDS[@]}"; do [[ "$k" == small || "$k" == stream ]] || die "--cells: '$k' is not small or stream"; done
for t in "${TLIST[@]}"; do
  case "$t" in direct|nginx|floor|vxfloor|gateway) ;; platform) PLATFORM=1 ;; *) die "--targets: '$t' is not direct, nginx, floor, vxfloor, gateway or platform" ;; esac
done
if [[ $PLATFORM == 1 ]] && [[ ",$TARGETS," != *,platform,* ]]; then TLIST+=(platform); fi
if [[ $BASE_PLATFORM == 1 ]] && [[ -z "$BASE_JAR" ]]; then die "--baseline-platform needs --baseline-jar"; fi
if [[ -n "$BASE_JAR" ]]; then
  [[ -f "$BASE_JAR" ]] || die "--baseline-jar: no file $BASE_JAR"
  TLIST+=(baseline)
fi
has_target() { [[ " ${TLIST[*]} " == *" $1 "* ]]; }

# ---------------------------------------------------------------------------------------------- tools
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
APT_UPDATED=0
ensure_tool() { # command package
  command -v "$1" >/dev/null && return 0
  [[ -x "/usr/sbin/$1" ]] && { PATH="$PATH:/usr/sbin"; return 0; }
  command -v apt-get >/dev/null || die "$1 is missing and there is no apt-get to install $2; install it"
  log "installing $2 from the OS packages"
  if [[ $APT_UPDATED == 0 ]]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$2" >/dev/null
  command -v "$1" >/dev/null || [[ -x "/usr/sbin/$1" ]] || die "installing $2 did not give $1"
  [[ -x "/usr/sbin/$1" ]] && PATH="$PATH:/usr/sbin"
  return 0
}
ensure_tool wrk wrk
has_target nginx && ensure_tool nginx nginx
command -v curl >/dev/null || die "curl is needed"
if [[ $PLATFORM == 1 ]]; then
  scripts/services.sh >/dev/null
  command -v redis-cli >/dev/null || die "--platform needs redis-cli"
fi

CPUS=$(nproc)
PROXY_PIN=()
LOAD_PIN=()
PROXY_CPUS=$CPUS
if [[ $PIN == 1 ]]; then
  if [[ $CPUS -lt 2 ]] || ! command -v taskset >/dev/null; then die "--pin needs taskset and at least 2 CPUs"; fi
  PROXY_PIN=(taskset -c "$((CPUS - 1))")
  LOAD_PIN=(taskset -c "0-$((CPUS - 2))")
  PROXY_CPUS=1
fi

# ----------------------------------------------------------------------------------------------- jars
GW_JAR=gateway/target/tollgate-gateway.jar
LT_JAR=loadtests/target/tollgate-loadtest.jar
if [[ $REBUILD == 1 || ! -f $GW_JAR ]]; then
  log "building the gateway jar"
  mvn -B -q -o -ntp -DskipTests package -pl gateway -am
fi
has_stub() { # an older load-test jar has no stub or queue drain
  ! command -v unzip >/dev/null || unzip -l "$LT_JAR" io/tollgate/loadtest/peers/QueueDrain.class >/dev/null 2>&1
}
if [[ $REBUILD == 1 || ! -f $LT_JAR ]] || ! has_stub; then
  log "building the load-test jar (the upstream stub)"
  mvn -B -q -o -ntp -DskipTests package -pl loadtests -am
fi
stale=$(find gateway/src/main gpu-adapter/src/main logging/src/main frontdoor/src/main -newer "$GW_JAR" -type f 2>/dev/null | head -3 || true)
[[ -n "$stale" ]] && log "warning: sources newer than $GW_JAR (e.g. ${stale%%$'\n'*}); --rebuild to measure them"

# ------------------------------------------------------------------------------------------- helpers
SCRIPT_NAME=peers.sh
# shellcheck source=loadtests/lib.sh
source "$ROOT/loadtests/lib.sh"
alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # PIDS...: utime + stime of each (all threads, dead ones included), summed
  local sum=0 pid t
  for pid in "$@"; do
    # fields after the ")" that ends the command name: state is $1, utime $12, stime $13
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    sum=$(( sum + t ))
  done
  echo "$sum"
}
rss_kb() { # PIDS...: VmRSS summed (nginx: master + workers)
  local sum=0 pid r
  for pid in "$@"; do
    r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    sum=$(( sum + ${r:-0} ))
  done
  echo "$sum"
}
io_calls() { # PIDS...: "<read syscalls> <write syscalls>" from /proc/PID/io, summed
  local r=0 w=0 pid a b
  for pid in "$@"; do
    read -r a b < <(awk '/^syscr:/ { r = $2 } /^syscw:/ { w = $2 } END { print r + 0, w + 0 }' "/proc/$pid/io" 2>/dev/null \
      || echo 0 0)
    r=$(( r + ${a:-0} )); w=$(( w + ${b:-0} ))
  done
  echo "$r $w"
}
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
times_ticks() { # FILE: the children's CPU in a `times` output (2nd line: user, system), in ticks
  tail -1 "$1" | awk -v hz="$CLK_TCK" '{
    s = 0
    for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); s += a[1] * 60 + a[2] }
    printf "%d\n", s * hz + 0.5 }'
}
listener_pid() { # PORT: the process listening on it, if ss can tell (for Redis/RabbitMQ CPU)
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true
}

# ------------------------------------------------------------------------------- work dir and cleanup
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tollgate-peers.XXXXXX")"
STUB_PID=""; DRAIN_PID=""; NGINX_PID=""; FLOOR_PID=""; VXFLOOR_PID=""; GW_PID=""; PF_PID=""; BL_PID=""; WRK_PID=""; SAMPLER_PID=""
REDIS_KEY=""; BASE_REDIS_KEY=""; RABBIT_SET=0
stop_pid() { # PID [signal]: stop one process this script started, wait for it, kill it after 15 s
  local pid="$1" sig="${2:-TERM}"
  alive "$pid" || return 0
  kill -s "$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  trap - EXIT INT TERM
  # Only what this script started, by pid.
  stop_pid "$WRK_PID"; stop_pid "$SAMPLER_PID"
  stop_pid "$GW_PID"; stop_pid "$BL_PID"; stop_pid "$PF_PID"; stop_pid "$DRAIN_PID"; stop_pid "$NGINX_PID"; stop_pid "$FLOOR_PID"; stop_pid "$VXFLOOR_PID"; stop_pid "$STUB_PID"
  for k in $REDIS_KEY $BASE_REDIS_KEY; do redis-cli -u "$REDIS_URL" DEL "$k" >/dev/null 2>&1 || true; done
  if [[ $RABBIT_SET == 1 ]]; then
    for q in tollgate.peers.events tollgate.peers.events.dlq tollgate.peers.base.events tollgate.peers.base.events.dlq; do
      as_root rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true
    done
    as_root rabbitmqctl -q clear_policy tollgate-peers-cap >/dev/null 2>&1 || true
  fi
  rm -f "$WORK"/*.jar "$WORK"/*.lua # the Lua scripts hold the API key; logs and configs stay
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# What is measured: the jar's build time and hash, and whether gateway/ had uncommitted changes when it ran
# (a jar built from a working tree holds them; git cannot tell which build that was, the time can).
GW_BUILT=$(date -u -r "$GW_JAR" '+%Y-%m-%d %H:%M:%S UTC')
GW_SHA=$(sha256sum "$GW_JAR" | cut -c1-12)
GIT_HEAD=$(git log -1 --format='%h %cd' --date=format:'%Y-%m-%d %H:%M' 2>/dev/null || echo "no git")
GW_DIRTY=$(git status --porcelain -- gateway gpu-adapter logging frontdoor 2>/dev/null | grep -c '^ \?M\|^??\|^A' || true)
# Run from copies: a jar rebuilt by someone else mid-run would break the JVM reading it.
cp "$GW_JAR" "$WORK/gateway.jar" && GW_JAR="$WORK/gateway.jar"
cp "$LT_JAR" "$WORK/loadtest.jar" && LT_JAR="$WORK/loadtest.jar"
if [[ -n "$BASE_JAR" ]]; then
  BASE_SHA=$(sha256sum "$BASE_JAR" | cut -c1-12)
  cp "$BASE_JAR" "$WORK/baseline.jar" && BASE_JAR="$WORK/baseline.jar"
fi

MODEL=peers-model
STUB_PORT=$(free_port)
STUB_URL="http://127.0.0.1:$STUB_PORT"

# ----------------------------------------------------------------------------------------------- stub
# A fixed quarter-GB heap: far more than it needs, and its RSS cannot drift during the run.
"${LOAD_PIN[@]}" java -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$LT_JAR" io.tollgate.loadtest.peers.UpstreamStub \
  --port "$STUB_PORT" --model "$MODEL" --flush-every "$STUB_FLUSH_EVERY" >"$WORK/stub.log" 2>&1 &
STUB_PID=$!
wait_for "$STUB_URL/health" || { cat "$WORK/stub.log" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- nginx
NGINX_PIDS=()
if has_target nginx; then
  NGINX_PORT=$(free_port)
  ND="$WORK/nginx"
  mkdir -p "$ND"
  USER_LINE=""
  [[ "$(id -u)" == 0 ]] && USER_LINE="user root;  # workers stay root: the temp paths below are root's"
  cat >"$ND/nginx.conf" <<EOF
# Written by loadtests/peers.sh. Workers = the gateway's event loops = the CPUs the proxy may use:
# $PROXY_CPUS ($( [[ $PIN == 1 ]] && echo "--pin: one CPU of $CPUS" || echo "what 'worker_processes auto' picks on this $CPUS-CPU machine")).
worker_processes $PROXY_CPUS;
daemon off;
master_process on;
pid $ND/nginx.pid;
error_log $ND/error.log warn;
$USER_LINE
worker_rlimit_nofile 65536;
events {
  worker_connections 16384;
}
http {
$( if [[ $NGINX_ACCESS_LOG == 1 ]]; then
  echo '  # --nginx-access-log: a JSON line per request, as the gateway writes, through a 64 KB buffer.'
  echo "  log_format tollgate escape=json '{\"time\":\"\$time_iso8601\",\"request_id\":\"\$request_id\",\"method\":\"\$request_method\",\"path\":\"\$uri\",\"status\":\$status,\"bytes\":\$body_bytes_sent,\"duration_ms\":\$request_time,\"upstream\":\"\$upstream_addr\"}';"
  echo "  access_log $ND/access.log tollgate buffer=64k flush=1s;"
else
  echo '  access_log off;'
fi )
  client_body_temp_path $ND/client_body;
  proxy_temp_path $ND/proxy;
  fastcgi_temp_path $ND/fastcgi;
  uwsgi_temp_path $ND/uwsgi;
  scgi_temp_path $ND/scgi;
  keepalive_timeout 75s;
  keepalive_requests 1000000;     # the default (1,000) would close wrk's connections every 1,000 requests
  upstream stub {
    server 127.0.0.1:$STUB_PORT;
    keepalive 128;                # idle keep-alive connections to the stub, per worker
    keepalive_requests 1000000;
    keepalive_timeout 75s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT reuseport;   # one listening socket per worker: the kernel spreads connections
    location / {
      proxy_pass http://stub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;        # stream each upstream read to the client as it comes
    }
  }
}
EOF
  nginx -t -q -p "$ND" -c "$ND/nginx.conf" -e "$ND/error.log" || { cat "$ND/error.log" >&2; exit 1; }
  "${PROXY_PIN[@]}" nginx -p "$ND" -c "$ND/nginx.conf" -e "$ND/error.log" >"$ND/stdout.log" 2>&1 &
  NGINX_PID=$!
  wait_for "http://127.0.0.1:$NGINX_PORT/health" || { cat "$ND/error.log" >&2; exit 1; }
  for _ in $(seq 1 50); do
    mapfile -t workers < <(pgrep -P "$NGINX_PID" || true)
    [[ ${#workers[@]} -ge $PROXY_CPUS ]] && break
    sleep 0.1
  done
  NGINX_PIDS=("$NGINX_PID" "${workers[@]}")
fi

# ---------------------------------------------------------------------------------------------- floors
# The Java floors: plain Netty, and Vert.x's HTTP server, on the gateway's transport and JVM flags, one event loop
# per proxy CPU, the same upstream connections.
start_floor() { # FRONT LOG PORT_VAR PID_VAR: started as this shell's child, its port and pid in the two variables
  local port; port=$(free_port)
  # shellcheck disable=SC2086 # the options are words
  "${PROXY_PIN[@]}" java $GATEWAY_JAVA_OPTS -cp "$LT_JAR" io.tollgate.loadtest.peers.FloorProxy --server "$1" \
    --port "$port" --threads "$PROXY_CPUS" --upstream "$STUB_URL" >"$2" 2>&1 &
  printf -v "$3" '%s' "$port"
  printf -v "$4" '%s' "$!"
}
if has_target floor; then
  start_floor netty "$WORK/floor.log" FLOOR_PORT FLOOR_PID
  wait_for "http://127.0.0.1:$FLOOR_PORT/health" || { cat "$WORK/floor.log" >&2; exit 1; }
fi
if has_target vxfloor; then
  start_floor vertx "$WORK/vxfloor.log" VXFLOOR_PORT VXFLOOR_PID
  wait_for "http://127.0.0.1:$VXFLOOR_PORT/health" || { cat "$WORK/vxfloor.log" >&2; exit 1; }
fi

# -------------------------------------------------------------------------------------------- gateways
export TOLLGATE_KEY_PEPPER="peers-$RANDOM$RANDOM$RANDOM"
export TOLLGATE_ADMIN_TOKEN="peers-admin-$RANDOM$RANDOM"
MINT="$(java -jar "$GW_JAR" mint-key --id peers --org peers 2>&1)"
API_KEY="$(grep -o 'tg-[A-Za-z0-9_-]*' <<<"$MINT" | head -1 || true)"
KEY_HASH="$(grep -o 'hmac-sha256:[0-9a-f]*' <<<"$MINT" | head -1 || true)"
if [[ -z "$API_KEY" || -z "$KEY_HASH" ]]; then
  log "could not mint a key; mint-key printed:"; echo "$MINT" >&2; exit 1
fi
# Limits on (every request goes through the limiter's buckets) but far above what this machine can send.
LIMITS='{requestsPerMinute: 100000000, tokensPerMinute: 10000000000, maxConcurrentStreams: 100000}'
LIMITS_JSON='{"requestsPerMinute":100000000,"tokensPerMinute":10000000000,"maxConcurrentStreams":100000}'
gateway_yaml() { # FILE PORT ADMIN_PORT SPOOL KEYS_LINE PLATFORM_SECTIONS
  cat >"$1" <<EOF
# Written by loadtests/peers.sh.
server:
  host: 127.0.0.1
  port: $2
  adminHost: 127.0.0.1
  adminPort: $3
  eventLoops: $PROXY_CPUS
  shutdownGraceMs: 1000
security:
  adminToken: \${TOLLGATE_ADMIN_TOKEN}
  keyPepper: \${TOLLGATE_KEY_PEPPER}
usage:
  spoolPath: $4
$6
snapshot:
  defaults:
    limits: $LIMITS
    maxTokens: 256
  backends:
    - {id: stub, url: "$STUB_URL"}
  models:
    - name: $MODEL
      backends: [stub]
      prices: {promptPerMillion: 0.10, completionPerMillion: 0.40}
  keys: $5
EOF
}
write_key_record() { # REDIS_KEY: the load's key, as the control plane writes it
  redis-cli -u "$REDIS_URL" SET "$1" \
    "{\"id\":\"peers\",\"org\":\"peers\",\"models\":[\"*\"],\"limits\":$LIMITS_JSON}" >/dev/null \
    || die "could not write the key record $1 to Redis at $REDIS_URL"
}
platform_sections() { # KEY_PREFIX EXCHANGE SPOOL_DIR [SECTION.KEY=VALUE...]: a platform-mode gateway's redis and rabbitmq sections
  local prefix="$1" exchange="$2" spool="$3"; shift 3
  echo "redis:"
  echo "  url: \${TOLLGATE_REDIS_URL}"
  echo "  keyPrefix: $prefix"
  section_sets redis "$@"
  echo "rabbitmq:"
  echo "  url: \${TOLLGATE_RABBITMQ_URL}"
  echo "  exchange: $exchange"
  echo "  queue: $exchange.events"
  echo "  spoolDir: $spool"
  section_sets rabbitmq "$@"
}
section_sets() { # SECTION [SECTION.KEY=VALUE...]: the settings given for SECTION, as its YAML lines
  local section="$1" set; shift
  for set in "$@"; do
    [[ "$set" =~ ^(redis|rabbitmq)\.([A-Za-z]+)=(.+)$ ]] || die "--platform-set/--baseline-set: SECTION.KEY=VALUE with SECTION redis or rabbitmq, not '$set'"
    [[ "${BASH_REMATCH[1]}" == "$section" ]] && echo "  ${BASH_REMATCH[2]}: ${BASH_REMATCH[3]}"
  done
  return 0
}
# shellcheck disable=SC2086 # GATEWAY_JAVA_OPTS is a list of JVM options
start_gateway() { # YAML LOG [ENV=VALUE...]; its pid in STARTED; the jar is START_JAR, else GW_JAR (START_OPTS alike)
  local yaml="$1" logf="$2"; shift 2
  env "$@" "${PROXY_PIN[@]}" java ${START_OPTS:-$GATEWAY_JAVA_OPTS} -jar "${START_JAR:-$GW_JAR}" --config "$yaml" >>"$logf" 2>&1 &
  STARTED=$!
}
if has_target gateway; then
  GW_PORT=$(free_port); GW_ADMIN=$(free_port)
  gateway_yaml "$WORK/gateway.yaml" "$GW_PORT" "$GW_ADMIN" "$WORK/usage.jsonl" \
    "
    - {id: peers, hash: \"$KEY_HASH\", org: peers, models: [\"*\"], limits: $LIMITS}" ""
  start_gateway "$WORK/gateway.yaml" "$WORK/gateway.log" "${GATEWAY_ENV_WORDS[@]}"; GW_PID=$STARTED
  wait_for "http://127.0.0.1:$GW_PORT/v1/models" "Authorization: Bearer $API_KEY" \
    || { tail -20 "$WORK/gateway.log" >&2; exit 1; }
fi
if has_target platform; then
  PF_PORT=$(free_port); PF_ADMIN=$(free_port)
  PREFIX="tgpeers-$RANDOM$RANDOM"
  # The key lives in Redis only (keys in the YAML would be found first), as the control plane writes it.
  REDIS_KEY="$PREFIX:key:$KEY_HASH"
  write_key_record "$REDIS_KEY"
  # Usage events go to queues of their own, capped so that a long run cannot fill the broker (no consumer):
  # in messages and in bytes, a message holding a batch of events.
  if as_root rabbitmqctl -q set_policy --apply-to queues tollgate-peers-cap '^tollgate\.peers\.(base\.)?events(\.dlq)?$' \
      '{"max-length":10000,"max-length-bytes":100000000}' >/dev/null 2>&1; then
    RABBIT_SET=1
  else
    log "warning: could not cap the usage queues with a RabbitMQ policy (rabbitmqctl); they grow during the run"
  fi
  gateway_yaml "$WORK/platform.yaml" "$PF_PORT" "$PF_ADMIN" "$WORK/platform-usage.jsonl" "[]" \
    "$(platform_sections "$PREFIX" tollgate.peers "$WORK/platform-spool" "${PLATFORM_SET[@]}")"
  start_gateway "$WORK/platform.yaml" "$WORK/platform.log" \
    TOLLGATE_REDIS_URL="$REDIS_URL" TOLLGATE_RABBITMQ_URL="$RABBITMQ_URL" "${GATEWAY_ENV_WORDS[@]}"; PF_PID=$STARTED
  wait_for "http://127.0.0.1:$PF_PORT/v1/models" "Authorization: Bearer $API_KEY" \
    || { tail -20 "$WORK/platform.log" >&2; exit 1; }
fi
if has_target baseline; then
  BL_PORT=$(free_port); BL_ADMIN=$(free_port)
  if [[ $BASE_PLATFORM == 1 ]]; then
    # Platform mode, like the platform target but with a prefix, exchange and queue of its own.
    BASE_REDIS_KEY="$PREFIX-base:key:$KEY_HASH"
    write_key_record "$BASE_REDIS_KEY"
    gateway_yaml "$WORK/baseline.yaml" "$BL_PORT" "$BL_ADMIN" "$WORK/baseline-usage.jsonl" "[]" \
      "$(platform_sections "$PREFIX-base" tollgate.peers.base "$WORK/baseline-spool" "${BASELINE_SET[@]}")"
  else
    gateway_yaml "$WORK/baseline.yaml" "$BL_PORT" "$BL_ADMIN" "$WORK/baseline-usage.jsonl" \
      "
    - {id: peers, hash: \"$KEY_HASH\", org: peers, models: [\"*\"], limits: $LIMITS}" ""
  fi
  START_JAR="$BASE_JAR" START_OPTS="$BASELINE_JAVA_OPTS" start_gateway "$WORK/baseline.yaml" "$WORK/baseline.log" \
    TOLLGATE_REDIS_URL="$REDIS_URL" TOLLGATE_RABBITMQ_URL="$RABBITMQ_URL" "${BASELINE_ENV_WORDS[@]}"; BL_PID=$STARTED
  wait_for "http://127.0.0.1:$BL_PORT/v1/models" "Authorization: Bearer $API_KEY" \
    || { tail -20 "$WORK/baseline.log" >&2; exit 1; }
fi
DRAIN_PID=""
if [[ $DRAIN == 1 ]] && has_target platform; then
  # The queues exist once the gateways are up (they declare them); consumed as the analytics consumer would.
  queues=tollgate.peers.events; [[ $BASE_PLATFORM == 1 ]] && queues+=,tollgate.peers.base.events
  "${LOAD_PIN[@]}" java -Xms64m -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$LT_JAR" peers-drain \
    --url "$RABBITMQ_URL" --queue "$queues" >"$WORK/drain.log" 2>&1 &
  DRAIN_PID=$!
  for _ in $(seq 1 100); do grep -q consuming "$WORK/drain.log" 2>/dev/null && break; sleep 0.1; done
  grep -q consuming "$WORK/drain.log" || { cat "$WORK/drain.log" >&2; die "peers-drain did not start"; }
fi
SERVICE_PIDS=()
for port in 6379 5672; do p=$(listener_pid $port); [[ -n "$p" ]] && SERVICE_PIDS+=("$p"); done
REDIS_PID=$(listener_pid 6379 || true)   # Redis's CPU alone: what admission costs it

target_url() {
  case "$1" in
    direct) echo "$STUB_URL" ;;
    nginx) echo "http://127.0.0.1:$NGINX_PORT" ;;
    floor) echo "http://127.0.0.1:$FLOOR_PORT" ;;
    vxfloor) echo "http://127.0.0.1:$VXFLOOR_PORT" ;;
    gateway) echo "http://127.0.0.1:$GW_PORT" ;;
    platform) echo "http://127.0.0.1:$PF_PORT" ;;
    baseline) echo "http://127.0.0.1:$BL_PORT" ;;
  esac
}
target_pids() {
  case "$1" in
    direct) echo "" ;;
    nginx) echo "${NGINX_PIDS[*]}" ;;
    floor) echo "$FLOOR_PID" ;;
    vxfloor) echo "$VXFLOOR_PID" ;;
    gateway) echo "$GW_PID" ;;
    platform) echo "$PF_PID" ;;
    baseline) echo "$BL_PID" ;;
  esac
}
target_admin() {
  case "$1" in
    gateway) echo "$GW_ADMIN" ;;
    platform) echo "$PF_ADMIN" ;;
    baseline) echo "$BL_ADMIN" ;;
    *) echo "" ;;
  esac
}
admissions() { # ADMIN_PORT: "<decided by Redis or its leases> <decided otherwise>", from the gateway's limiter counters
  [[ -n "$1" ]] || { echo "0 0"; return; }
  curl -fsS -H "Authorization: Bearer $TOLLGATE_ADMIN_TOKEN" "http://127.0.0.1:$1/metrics" 2>/dev/null \
    | awk '/^tollgate_limiter_decisions_total/ { if ($0 ~ /decided_by="(redis|lease)"/) r += $NF; else o += $NF }
           END { printf "%d %d\n", r, o }' || echo "0 0"
}
target_label() {
  case "$1" in
    direct) echo "direct (stub)" ;;
    nginx) echo "nginx" ;;
    floor) echo "Netty floor" ;;
    vxfloor) echo "Vert.x floor" ;;
    gateway) echo "Tollgate standalone" ;;
    platform) echo "Tollgate platform" ;;
    baseline) echo "Tollgate baseline" ;;
  esac
}

# --------------------------------------------------------------------------------------- wrk scripts
PROMPT="You are a toll gate. Say hello to the cars in one short sentence."
body() { # KIND
  if [[ "$1" == small ]]; then
    echo "{\"model\":\"$MODEL\",\"max_tokens\":$SMALL_TOKENS,\"messages\":[{\"role\":\"user\",\"content\":\"$PROMPT\"}]}"
  else
    echo "{\"model\":\"$MODEL\",\"max_tokens\":$STREAM_TOKENS,\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"$PROMPT\"}]}"
  fi
}
for kind in "${KINDS[@]}"; do
  cat >"$WORK/$kind.lua" <<EOF
-- Written by loadtests/peers.sh: the same request, byte for byte, to every target. No request() or
-- response() function, so wrk sends one pre-built request and runs no Lua per request.
wrk.method = "POST"
wrk.body = '$(body "$kind")'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $API_KEY"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("PEERS requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
    .. "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
EOF
done

# One request of each kind through each target, checked, before anything is measured.
for t in "${TLIST[@]}"; do
  for kind in "${KINDS[@]}"; do
    out="$WORK/check-$t-$kind.txt"
    code=$(curl -sS -N -o "$out" -w '%{http_code}' -H 'Content-Type: application/json' \
      -H "Authorization: Bearer $API_KEY" -d "$(body "$kind")" "$(target_url "$t")/v1/chat/completions" || true)
    ok=1
    [[ "$code" == 200 ]] || ok=0
    if [[ "$kind" == stream ]]; then
      [[ $(grep -c '^data: {' "$out") -eq $((STREAM_TOKENS + 2)) ]] && grep -q '^data: \[DONE\]' "$out" \
        && grep -q '"completion_tokens":'"$STREAM_TOKENS" "$out" || ok=0
    else
      grep -q '"completion_tokens":'"$SMALL_TOKENS" "$out" || ok=0
    fi
    if [[ $ok == 0 ]]; then
      log "$t answered a $kind request with $code and this:"; head -c 600 "$out" >&2; echo >&2; exit 1
    fi
  done
done

# -------------------------------------------------------------------------------------------- runs
RESULTS="$WORK/results.tsv"
mkfifo "$WORK/pause"
printf 'round\tkind\tconns\ttarget\trequests\tduration_us\tp50_us\tp99_us\tproxy_ticks\tstub_ticks\twrk_ticks\tservice_ticks\tmachine_ticks\trss_kb\trss_peak_kb\terrors\tadmitted_redis\tadmitted_other\tproxy_read_calls\tproxy_write_calls\tredis_ticks\tdrain_ticks\n' >"$RESULTS"

USAGE_TRIMMED=0 # usage events in the standalone spool, counted before each truncation
trim_logs() { # the gateways' access logs and the usage spool grow by a line per request: keep them short
  local f
  for f in "$WORK/gateway.log" "$WORK/platform.log" "$WORK/usage.jsonl" "$WORK/platform-usage.jsonl" "$WORK/nginx/access.log"; do
    if [[ -f "$f" ]] && (( $(stat -c %s "$f") > 20000000 )); then
      [[ "$f" == "$WORK/usage.jsonl" ]] && USAGE_TRIMMED=$(( USAGE_TRIMMED + $(wc -l <"$f") ))
      [[ "$f" == *.log ]] && { grep -v '"logger":"tollgate.access"' "$f" | tail -200 >>"$f.kept" || true; }
      : >"$f" # the writers append (O_APPEND), so truncating is safe
    fi
  done
}

wrk_run() { # TARGET KIND CONNS SECONDS -> leaves wrk's output in $WORK/wrk.out
  local threads=$WRK_THREADS
  (( threads > $3 )) && threads=$3
  "${LOAD_PIN[@]}" wrk -t"$threads" -c"$3" -d"$4s" --timeout 10s --latency -s "$WORK/$2.lua" \
    "$(target_url "$1")/v1/chat/completions" >"$WORK/wrk.out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { log "wrk failed:"; cat "$WORK/wrk.out" >&2; exit 1; }
  WRK_PID=""
}

measure() { # ROUND TARGET KIND CONNS: one measured run, one row of results.tsv
  local round=$1 t=$2 kind=$3 conns=$4 pids p0 s0 w0 v0 m0 p1 s1 w1 v1 m1 line
  read -r -a pids <<<"$(target_pids "$t")"
  rm -f "$WORK/rss.peak"
  if [[ ${#pids[@]} -gt 0 ]]; then
    # read -t on a FIFO nobody writes: a half-second pause without a sleep process to leave behind
    ( exec 3<>"$WORK/pause"; peak=0
      while :; do r=$(rss_kb "${pids[@]}"); (( r > peak )) && peak=$r && echo "$peak" >"$WORK/rss.peak"
        read -r -t 0.5 -u 3 _ || true; done ) &
    SAMPLER_PID=$!
  fi
  local a0 a1
  read -r -a a0 <<<"$(admissions "$(target_admin "$t")")"
  local io0 io1
  read -r -a io0 <<<"$(io_calls "${pids[@]}")"
  p0=$(cpu_ticks "${pids[@]}"); s0=$(cpu_ticks "$STUB_PID"); v0=$(cpu_ticks "${SERVICE_PIDS[@]}")
  local r0 r1 d0 d1; r0=$(cpu_ticks $REDIS_PID); d0=$(cpu_ticks $DRAIN_PID)
  m0=$(machine_busy)
  # wrk's CPU: what this shell's waited-for children used (bash's `times`, run here, not in a subshell)
  times >"$WORK/times.0"
  wrk_run "$t" "$kind" "$conns" "$DURATION"
  times >"$WORK/times.1"
  m1=$(machine_busy)
  p1=$(cpu_ticks "${pids[@]}"); s1=$(cpu_ticks "$STUB_PID"); v1=$(cpu_ticks "${SERVICE_PIDS[@]}")
  r1=$(cpu_ticks $REDIS_PID); d1=$(cpu_ticks $DRAIN_PID)
  read -r -a io1 <<<"$(io_calls "${pids[@]}")"
  w0=$(times_ticks "$WORK/times.0"); w1=$(times_ticks "$WORK/times.1")
  read -r -a a1 <<<"$(admissions "$(target_admin "$t")")"
  local rss=0 peak=0
  if [[ ${#pids[@]} -gt 0 ]]; then
    rss=$(rss_kb "${pids[@]}")
    stop_pid "$SAMPLER_PID"; SAMPLER_PID=""
    peak=$(cat "$WORK/rss.peak" 2>/dev/null || echo "$rss")
    (( rss > peak )) && peak=$rss
  fi
  line=$(grep '^PEERS ' "$WORK/wrk.out" || true)
  [[ -n "$line" ]] || { log "no figures from wrk:"; cat "$WORK/wrk.out" >&2; exit 1; }
  val() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
  local errors=$(( $(val errors_connect) + $(val errors_read) + $(val errors_write) + $(val errors_status) + $(val errors_timeout) ))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$kind" "$conns" "$t" \
    "$(val requests)" "$(val duration_us)" "$(val p50_us)" "$(val p99_us)" "$((p1 - p0))" "$((s1 - s0))" \
    "$((w1 - w0))" "$((v1 - v0))" "$((m1 - m0))" "$rss" "$peak" "$errors" \
    "$((a1[0] - a0[0]))" "$((a1[1] - a0[1]))" "$((io1[0] - io0[0]))" "$((io1[1] - io0[1]))" "$((r1 - r0))" "$((d1 - d0))" >>"$RESULTS"
  awk -v r="$(val requests)" -v d="$(val duration_us)" -v p50="$(val p50_us)" -v p99="$(val p99_us)" \
      -v e="$errors" -v t="$t" -v k="$kind" -v c="$conns" -v rd="$round" 'BEGIN {
    printf "peers.sh: round %d %-6s c=%-3d %-9s %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms%s\n", rd, k, c, t,
      r / (d / 1e6), p50 / 1000, p99 / 1000, (e > 0 ? "  ERRORS " e : "") }' >&2
  if (( errors > 0 )); then sed -n '/Non-2xx\|Socket errors/p' "$WORK/wrk.out" >&2; fi
  trim_logs
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "stub pid $STUB_PID at $STUB_URL${NGINX_PID:+, nginx pid $NGINX_PID (workers ${NGINX_PIDS[*]:1})}${FLOOR_PID:+, floor pid $FLOOR_PID}${VXFLOOR_PID:+, Vert.x floor pid $VXFLOOR_PID}${GW_PID:+, gateway pid $GW_PID}${PF_PID:+, platform gateway pid $PF_PID}; files in $WORK"
ncells=$(( ${#KINDS[@]} * ${#CONNS[@]} ))
total=$(( ROUNDS * ncells * DURATION * ${#TLIST[@]} + ${#KINDS[@]} * WARMUP * 2 + ${#KINDS[@]} * 5 * 2 ))
log "${#TLIST[@]} targets × $ncells cells × $ROUNDS rounds × ${DURATION} s + warm-up: about $(( total / 60 + 1 )) min"

# A JVM's CPU ticks: its JIT compiler threads' and all its threads' ("C 123 T 4567"; nothing for other processes).
jit_ticks() { # PID
  local stat comm rest c=0 t=0 jvm=0
  local -a f
  for stat in /proc/"$1"/task/*/stat; do
    read -r rest <"$stat" 2>/dev/null || continue
    comm=${rest#*(}; comm=${comm%%)*}; rest=${rest##*) }
    read -r -a f <<<"$rest"
    t=$(( t + f[11] + f[12] ))
    if [[ "$comm" == C1\ CompilerThre* || "$comm" == C2\ CompilerThre* ]]; then c=$(( c + f[11] + f[12] )); jvm=1; fi
  done
  (( jvm )) && echo "C $c T $t"
}

maxc=0; for c in "${CONNS[@]}"; do (( c > maxc )) && maxc=$c; done
WARMED=() # "target kind seconds compiler-share" per JVM target, for the report
if (( WARMUP > 0 )); then
  for t in "${TLIST[@]}"; do
    for kind in "${KINDS[@]}"; do
      w=$WARMUP
      [[ "$t" == direct || "$t" == nginx ]] && (( w > 5 )) && w=5
      (( w > 0 )) || continue
      log "warm-up: $t, $kind, $maxc connections, $w s"
      wrk_run "$t" "$kind" "$maxc" "$w"
      if ! grep -q 'errors_status=0 ' "$WORK/wrk.out" || grep -q 'Socket errors' "$WORK/wrk.out"; then
        log "warning: the warm-up of $t had errors (the counters at the end of the report say which):"
        grep -E 'Non-2xx|Socket errors' "$WORK/wrk.out" >&2 || true
      fi
      read -r -a pids <<<"$(target_pids "$t")"
      if (( ${#pids[@]} == 1 )) && [[ -n "$(jit_ticks "${pids[0]}")" ]]; then
        share=100
        while (( w < WARMUP_MAX )); do
          read -r _ c0 _ t0 <<<"$(jit_ticks "${pids[0]}")"
          wrk_run "$t" "$kind" "$maxc" 5
          w=$(( w + 5 ))
          read -r _ c1 _ t1 <<<"$(jit_ticks "${pids[0]}")"
          share=$(( (t1 - t0) > 0 ? 100 * (c1 - c0) / (t1 - t0) : 0 ))
          (( share < JIT_SETTLED )) && break
        done
        log "warm-up: $t, $kind: $w s in all, its JIT compilers $share % of its CPU in the last 5 s"
        WARMED+=("$t $kind $w $share")
      fi
      trim_logs
    done
  done
fi

for (( round = 1; round <= ROUNDS; round++ )); do
  n=${#TLIST[@]}
  order=()
  for (( i = 0; i < n; i++ )); do order+=("${TLIST[$(( (i + round - 1) % n ))]}"); done
  for kind in "${KINDS[@]}"; do
    for conns in "${CONNS[@]}"; do
      for t in "${order[@]}"; do
        measure "$round" "$t" "$kind" "$conns"
      done
    done
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# The gateways' own counters: every request admitted by the limiter, usage events emitted.
gateway_counters() { # ADMIN_PORT: limiter decisions, usage events, and every answer that was not a 200
  curl -fsS -H "Authorization: Bearer $TOLLGATE_ADMIN_TOKEN" "http://127.0.0.1:$1/metrics" 2>/dev/null \
    | grep -E '^tollgate_(limiter_decisions|usage_events)_total|^tollgate_requests_total' \
    | grep -v '^tollgate_requests_total.*status="200"' | sed 's/^/    /' || echo "    (no metrics)"
}

# ---------------------------------------------------------------------------------------------- report
if [[ -z "$REPORT_DIR" ]]; then REPORT_DIR="loadtests/reports/$(date -u +%Y%m%d-%H%M%S)-peers"; fi
mkdir -p "$REPORT_DIR"
cp "$RESULTS" "$REPORT_DIR/results.tsv"
[[ -n "${ND:-}" ]] && cp "$ND/nginx.conf" "$REPORT_DIR/nginx.conf"
for f in gateway.yaml platform.yaml; do [[ -f "$WORK/$f" ]] && cp "$WORK/$f" "$REPORT_DIR/$f"; done

TARGET_ORDER="${TLIST[*]}"
tables() { # the per-cell tables and the goals, from results.tsv (medians over rounds)
  awk -F'\t' -v hz="$CLK_TCK" -v DRAINED="${DRAIN_PID:+1}" -v targets="$TARGET_ORDER" -v kinds="${KINDS[*]}" -v connsl="${CONNS[*]}" \
      -v small_tokens="$SMALL_TOKENS" -v stream_tokens="$STREAM_TOKENS" -v rounds="$ROUNDS" \
      -v lnginx="nginx" -v lfloor="Netty floor (no features)" -v lvxfloor="Vert.x floor (no features)" -v ldirect="direct (stub)" -v lgw="Tollgate standalone" -v lpf="Tollgate platform" -v lbl="Tollgate baseline ($( [[ -n "$BASE_JAR" ]] && echo "jar $BASE_SHA" )$( [[ $BASE_PLATFORM == 1 ]] && echo ", platform mode" ))" '
    function median(list,    v, n, i, j, x) {
      n = split(list, v, " ")
      if (n == 0) return ""
      for (i = 2; i <= n; i++) { x = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
      return (n % 2) ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    function add(key, value) { vals[key] = (key in vals) ? vals[key] " " value : value }
    function label(t) { return t == "direct" ? ldirect : t == "nginx" ? lnginx : t == "floor" ? lfloor : t == "vxfloor" ? lvxfloor : t == "gateway" ? lgw : t == "baseline" ? lbl : lpf }
    function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "" : a / b }
    function fx(x) { return x == "" ? "n/a" : sprintf("%.2f×", x) }
    function fms(us) { return us == "" ? "n/a" : sprintf("%.3f", us / 1000) }
    function fadd(us) { return us == "" ? "n/a" : sprintf("%+.3f ms", us / 1000) }
    NR > 1 {
      k = $2 SUBSEP $3 SUBSEP $4
      secs = $6 / 1e6
      add(k SUBSEP "rps", $5 / secs)
      add(k SUBSEP "p50", $7); add(k SUBSEP "p99", $8)
      if ($4 != "direct") add(k SUBSEP "cpu", $9 / hz * 1e6 / $5)
      add(k SUBSEP "stub", $10 / hz * 1e6 / $5)
      add(k SUBSEP "svc", $12 / hz * 1e6 / $5)
      add(k SUBSEP "redis", $21 / hz * 1e6 / $5); add(k SUBSEP "broker", ($12 - $21) / hz * 1e6 / $5)
      add(k SUBSEP "wrk", $11 / hz / secs)
      add(k SUBSEP "rest", ($13 - $9 - $10 - $11 - $12 - $22) / hz / secs)
      add(k SUBSEP "drain", $22 / hz * 1e6 / $5)
      if ($4 != "direct") { add(k SUBSEP "rss", $14 / 1024); add(k SUBSEP "peak", $15 / 1024) }
      errs[k] += $16; runs[k]++
      if ($17 + $18 > 0) { viaRedis[k] += $17; decided[k] += $17 + $18 }
      if ($4 != "direct") { add(k SUBSEP "rd", $19 / $5); add(k SUBSEP "wr", $20 / $5) }
    }
    END {
      nt = split(targets, T, " "); nk = split(kinds, K, " "); nc = split(connsl, C, " ")
      for (a in vals) med[a] = median(vals[a])
      for (i = 1; i <= nk; i++) for (j = 1; j <= nc; j++) {
        kind = K[i]; c = C[j]
        what = kind == "small" ? "non-streamed, max_tokens " small_tokens : "streamed, " stream_tokens " tokens + usage chunk"
        printf "\n### %s (%s), %d connections\n\n", kind, what, c
        print "| target | req/s | ×nginx | p50 ms | p99 ms | p99 ×nginx | CPU µs/req | CPU ×nginx | RSS MB | added p50 vs direct | stub µs/req | errors |"
        print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        n = kind SUBSEP c SUBSEP "nginx"; d = kind SUBSEP c SUBSEP "direct"
        for (x = 1; x <= nt; x++) {
          t = T[x]; k = kind SUBSEP c SUBSEP t
          if (!(k in runs)) continue
          rps = med[k SUBSEP "rps"]; p50 = med[k SUBSEP "p50"]; p99 = med[k SUBSEP "p99"]
          cpu = (k SUBSEP "cpu") in med ? med[k SUBSEP "cpu"] : ""
          printf "| %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %d |\n", label(t), rps,
            t == "nginx" ? "1.00×" : fx(ratio(rps, med[n SUBSEP "rps"])), fms(p50), fms(p99),
            t == "nginx" ? "1.00×" : fx(ratio(p99, med[n SUBSEP "p99"])),
            cpu == "" ? "—" : sprintf("%.1f", cpu),
            t == "direct" ? "—" : t == "nginx" ? "1.00×" : fx(ratio(cpu, med[n SUBSEP "cpu"])),
            t == "direct" ? "—" : sprintf("%.1f", med[k SUBSEP "rss"]),
            t == "direct" ? "—" : ((d SUBSEP "p50") in med ? fadd(p50 - med[d SUBSEP "p50"]) : "n/a"),
            med[k SUBSEP "stub"], errs[k]
          # for the goals
          G[t, kind, c, "rps"] = ratio(rps, med[n SUBSEP "rps"]); G[t, kind, c, "p99"] = ratio(p99, med[n SUBSEP "p99"])
          G[t, kind, c, "cpu"] = ratio(cpu, med[n SUBSEP "cpu"])
          G[t, kind, c, "added"] = (d SUBSEP "p50") in med ? p50 - med[d SUBSEP "p50"] : ""
          if (t != "direct" && med[k SUBSEP "peak"] > PEAK[t]) PEAK[t] = med[k SUBSEP "peak"]
          if (t != "direct" && med[k SUBSEP "rss"] > RSS[t]) RSS[t] = med[k SUBSEP "rss"]
        }
        printf "\nWhile it ran (medians): wrk used"
        for (x = 1; x <= nt; x++) { k = kind SUBSEP c SUBSEP T[x]; if (k in runs) printf " %s %.2f", T[x], med[k SUBSEP "wrk"] }
        printf " cores; the rest of the machine (other processes, interrupts)"
        for (x = 1; x <= nt; x++) { k = kind SUBSEP c SUBSEP T[x]; if (k in runs) printf " %s %.2f", T[x], med[k SUBSEP "rest"] }
        printf " cores; Redis µs/req"
        for (x = 1; x <= nt; x++) { k = kind SUBSEP c SUBSEP T[x]; if (k in runs) printf " %s %.1f", T[x], med[k SUBSEP "redis"] }
        printf "; RabbitMQ µs/req"
        for (x = 1; x <= nt; x++) { k = kind SUBSEP c SUBSEP T[x]; if (k in runs) printf " %s %.1f", T[x], med[k SUBSEP "broker"] }
        if (DRAINED) {
          printf "; the usage queues'"'"' consumer (peers-drain) µs/req"
          for (x = 1; x <= nt; x++) { k = kind SUBSEP c SUBSEP T[x]; if (k in runs) printf " %s %.1f", T[x], med[k SUBSEP "drain"] }
        }
        printf "; the proxy'"'"'s write()/writev() calls per request (sockets and files; /proc/PID/io syscw, which does not count send())"
        for (x = 1; x <= nt; x++) { k = kind SUBSEP c SUBSEP T[x]; if ((k in runs) && T[x] != "direct") printf " %s %.1f", T[x], med[k SUBSEP "wr"] }
        printf ".\n"
        f = kind SUBSEP c SUBSEP "floor"
        if ((f in runs) && f SUBSEP "cpu" in med && med[f SUBSEP "cpu"] > 0) {
          printf "Against the Java floor (a featureless Netty proxy on the same JVM flags):"
          for (x = 1; x <= nt; x++) {
            k = kind SUBSEP c SUBSEP T[x]
            if (!(k in runs) || T[x] == "direct" || T[x] == "nginx" || T[x] == "floor") continue
            printf " %s req/s %.2f×, CPU per request %.2f× the floor'"'"'s;", label(T[x]),
              med[k SUBSEP "rps"] / med[f SUBSEP "rps"], med[k SUBSEP "cpu"] / med[f SUBSEP "cpu"]
          }
          printf " the floor itself %s nginx'"'"'s req/s at %s its CPU per request.\n",
            fx(ratio(med[f SUBSEP "rps"], med[n SUBSEP "rps"])), fx(ratio(med[f SUBSEP "cpu"], med[n SUBSEP "cpu"]))
        }
        k = kind SUBSEP c SUBSEP "platform"
        if (k in decided) printf "Tollgate platform: %.1f %% of the admissions decided by Redis or from its leases, %.1f %% failed open to in-process limits (a Redis call over redis.timeoutMs, 50 ms).\n", 100 * viaRedis[k] / decided[k], 100 - 100 * viaRedis[k] / decided[k]
      }
      print "\n### Against the goals\n"
      print "| goal | target | measured | verdict |"
      print "| --- | --- | --- | --- |"
      for (x = 1; x <= nt; x++) {
        t = T[x]; if (t != "gateway" && t != "platform") continue
        goal("req/s ≥ 0.9× nginx", t, "rps", 0.9, 1, "", "")
        goal("p99 ≤ 1.2× nginx", t, "p99", 1.2, 0, "", "")
        goal("CPU per stream ≤ 2× nginx", t, "cpu", 2, 0, "stream", "")
        goal("added p50 over direct at 8 connections ≤ 0.15 ms (small)", t, "added", 150, 0, "small", 8)
        goal("added p50 over direct at 8 connections ≤ 0.3 ms (stream)", t, "added", 300, 0, "stream", 8)
        if (t in RSS) printf "| steady RSS ≤ 256 MB | %s | %.1f MB at the end of the largest cell (peak %.1f MB) | %s |\n",
          label(t), RSS[t], PEAK[t], RSS[t] <= 256 ? "met" : "missed"
      }
    }
    function goal(name, t, fig, bound, atLeast, onlyKind, onlyConns,    i, j, kind, c, v, s, ok, all, any) {
      s = ""; all = 1; any = 0
      for (i = 1; i <= nk; i++) for (j = 1; j <= nc; j++) {
        kind = K[i]; c = C[j]
        if (onlyKind != "" && kind != onlyKind) continue
        if (onlyConns != "" && c != onlyConns) continue
        v = G[t, kind, c, fig]
        if (v == "") continue
        ok = atLeast ? v >= bound : v <= bound
        all = all && ok; any = 1
        s = s (s == "" ? "" : ", ") kind " c=" c ": " (fig == "added" ? fadd(v) : sprintf("%.2f×", v))
      }
      if (any) printf "| %s | %s | %s | %s |\n", name, label(t), s, all ? "met" : "missed"
    }
  ' "$RESULTS"
}

TABLES="$(tables)"
{
  echo "# Tollgate vs nginx vs direct: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo '```sh'
  echo "$COMMAND"
  echo '```'
  echo
  echo "Medians over $ROUNDS rounds of ${DURATION} s per target and cell (wrk, closed loop, $WRK_THREADS threads, the"
  echo "targets' order rotated each round), after ${WARMUP} s of warm-up per gateway and cell kind (direct, nginx: at most 5 s), a JVM's"
  echo "then until its JIT compilers took under ${JIT_SETTLED} % of its CPU over 5 s (at most ${WARMUP_MAX} s in all: $(
    if (( ${#WARMED[@]} == 0 )); then echo "none warmed"; else
      for x in "${WARMED[@]}"; do read -r a b c d <<<"$x"; printf '%s %s %s s (%s %%); ' "$a" "$b" "$c" "$d"; done | sed 's/; $//'; fi)). CPU per request"
  echo "is the proxy process's utime + stime during the run (nginx: master + workers) / requests; RSS is VmRSS at"
  echo "the end of the run (nginx: summed). \"added p50\" is the target's p50 − direct's p50 in the same cell."
  echo
  echo "- Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r); load average $LOAD_BEFORE before, $LOAD_AFTER after (the run's own processes count in it: see \"the rest of the machine\" under each table for other work)"
  echo "- $(java -version 2>&1 | head -1); $(nginx -v 2>&1 | head -1 || echo 'nginx: not used'); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "- Gateway jar: built $GW_BUILT, sha256 $GW_SHA…; git HEAD $GIT_HEAD; $( (( GW_DIRTY > 0 )) && echo "**$GW_DIRTY uncommitted file(s)** under gateway/, gpu-adapter/, logging/, frontdoor/ at the start (a jar built from the working tree may hold them)" || echo "no uncommitted changes under gateway/, gpu-adapter/, logging/, frontdoor/ at the start")"
  echo "- Stub: \`peers-stub\` (Netty, $( [[ $PIN == 1 ]] && echo "1 CPU" || echo "$CPUS event loops"), flush every $STUB_FLUSH_EVERY event); nginx: $PROXY_CPUS worker(s), proxy_buffering off, keep-alive pool of 128, $( [[ $NGINX_ACCESS_LOG == 1 ]] && echo "an access log (JSON lines, 64 KB buffer)" || echo "access_log off"); $( (has_target floor || has_target vxfloor) && echo "floors: \`peers-floor\` (plain Netty / Vert.x's HTTP server in front, epoll, $PROXY_CPUS event loop(s), keep-alive upstream pool per loop, $GATEWAY_JAVA_OPTS); ")Tollgate: $PROXY_CPUS event loop(s), $GATEWAY_JAVA_OPTS, limits on (far above the load)${GATEWAY_ENV:+, env $GATEWAY_ENV}$( has_target baseline && echo "; baseline: jar $BASE_SHA, $BASELINE_JAVA_OPTS${BASELINE_ENV:+, env $BASELINE_ENV}"), usage to $( has_target platform && echo "a spool file (standalone) and RabbitMQ (platform)" || echo "a spool file")$( [[ $PIN == 1 ]] && echo "; --pin: proxies on CPU $((CPUS - 1)), stub and wrk on 0-$((CPUS - 2))")"
  echo
  echo "$TABLES"
  echo
  echo "Gateway counters at the end, warm-up included (limiter decisions, usage events, answers other than 200):"
  echo
  echo '```'
  if [[ -n "$GW_PID" ]]; then
    echo "  standalone:"; gateway_counters "$GW_ADMIN"
    echo "    usage events in the spool file: $(( USAGE_TRIMMED + $(wc -l <"$WORK/usage.jsonl" 2>/dev/null || echo 0) ))"
  fi
  if [[ -n "$PF_PID" ]]; then echo "  platform:"; gateway_counters "$PF_ADMIN"; fi
  if [[ -n "$BL_PID" ]]; then echo "  baseline:"; gateway_counters "$BL_ADMIN"; fi
  echo '```'
  echo
  echo "Every run: \`results.tsv\` (CPU in ticks of 1/$CLK_TCK s). Configs: \`nginx.conf\`, \`gateway.yaml\`$( has_target platform && echo ', `platform.yaml`')."
} >"$REPORT_DIR/summary.md"

echo "$TABLES"
echo
log "report: $REPORT_DIR/summary.md (logs and configs in $WORK)"
