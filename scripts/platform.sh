#!/usr/bin/env bash
# The whole platform on one machine, as separate processes:
#
#   scripts/platform.sh up              start (or finish starting) everything, bootstrap once, wait until ready
#   scripts/platform.sh env             KEY=value lines to eval: eval "$(scripts/platform.sh env)"
#   scripts/platform.sh status          each process, its pid and its readiness
#   scripts/platform.sh down [--purge]  stop exactly what `up` started (by pid); --purge also drops the data
#
# `up` makes sure PostgreSQL, Redis and RabbitMQ run (scripts/services.sh), builds the jars if they are
# missing, and starts two vLLM simulators, the control plane, the analytics consumer and two gateway
# replicas following the control plane. The first `up` bootstraps a platform admin, a config-reader
# user for the gateways, a demo org with a model, prices, a route, limit policies, a budget and an API
# key. `up` again is harmless: what runs is left alone, what does not is started.
#
# State (pids, logs, secrets, the gateways' usage spools) lives in TOLLGATE_PLATFORM_DIR (default
# .platform/, git-ignored). Data lives in PostgreSQL schemas <name>_control_plane and <name>_analytics
# of database "test", under the Redis prefix <name> and in the RabbitMQ queue tollgate.<name>.usage.events,
# where <name> is TOLLGATE_PLATFORM_NAME (default "platform").
#
# Ports: TOLLGATE_PLATFORM_PORT_BASE (default 8000) + 0 and 1 (simulators), + 80/81 and 82/83 (gateway
# replicas, data/admin), + 90 (control plane), + 91 (analytics). Each can also be set alone:
# TOLLGATE_PLATFORM_{SIM1,SIM2,GATEWAY1,GATEWAY1_ADMIN,GATEWAY2,GATEWAY2_ADMIN,CONTROL_PLANE,ANALYTICS}_PORT.
# TOLLGATE_PLATFORM_{PG,REDIS,RABBITMQ}_URL point the services elsewhere (the end-to-end suite puts a
# relay in front of RabbitMQ that way). TOLLGATE_PLATFORM_SMTP_PORT (and _HOST, default 127.0.0.1) gives
# the control plane an SMTP server without TLS, for invitations and email alerts (the end-to-end suite
# starts GreenMail there); without it, inviting by email is refused in words.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${TOLLGATE_PLATFORM_DIR:-$ROOT/.platform}
NAME=${TOLLGATE_PLATFORM_NAME:-platform}
BASE=${TOLLGATE_PLATFORM_PORT_BASE:-8000}
PG_URL=${TOLLGATE_PLATFORM_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}
REDIS_URL=${TOLLGATE_PLATFORM_REDIS_URL:-redis://127.0.0.1:6379}
RABBITMQ_URL=${TOLLGATE_PLATFORM_RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}
JAVA_OPTS=${TOLLGATE_PLATFORM_JAVA_OPTS:--Xms32m -Xmx384m -XX:+UseSerialGC}
READY_TIMEOUT_S=${TOLLGATE_PLATFORM_READY_TIMEOUT_S:-120}
MODEL=demo-llama
POOLING_MODEL=demo-rerank
TRANSCRIPTION_MODEL=demo-whisper
ORG=demo
KEY_ID=demo-app
ADMIN_EMAIL=admin@tollgate.local
READER_EMAIL=gateways@tollgate.local

SIM1_PORT=${TOLLGATE_PLATFORM_SIM1_PORT:-$((BASE + 0))}
SIM2_PORT=${TOLLGATE_PLATFORM_SIM2_PORT:-$((BASE + 1))}
GATEWAY1_PORT=${TOLLGATE_PLATFORM_GATEWAY1_PORT:-$((BASE + 80))}
GATEWAY1_ADMIN_PORT=${TOLLGATE_PLATFORM_GATEWAY1_ADMIN_PORT:-$((BASE + 81))}
GATEWAY2_PORT=${TOLLGATE_PLATFORM_GATEWAY2_PORT:-$((BASE + 82))}
GATEWAY2_ADMIN_PORT=${TOLLGATE_PLATFORM_GATEWAY2_ADMIN_PORT:-$((BASE + 83))}
CP_PORT=${TOLLGATE_PLATFORM_CONTROL_PLANE_PORT:-$((BASE + 90))}
ANALYTICS_PORT=${TOLLGATE_PLATFORM_ANALYTICS_PORT:-$((BASE + 91))}

GATEWAY_JAR=$ROOT/gateway/target/tollgate-gateway.jar
CP_JAR=$ROOT/control-plane/target/tollgate-control-plane.jar
ANALYTICS_JAR=$ROOT/analytics-consumer/target/tollgate-analytics.jar
SIM_JAR=$ROOT/gpu-adapter/target/tollgate-simulator.jar

# Started in this order, stopped in the reverse one (gateways first, so their last usage events reach the broker).
PROCESSES=(sim-1 sim-2 control-plane analytics gateway-1 gateway-2)

log() { printf 'platform: %s\n' "$*" >&2; }
die() { printf 'platform: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $NAME =~ ^[a-z][a-z0-9_]{0,30}$ ]] || die "TOLLGATE_PLATFORM_NAME must be lowercase letters, digits and _ (it names PostgreSQL schemas), got '$NAME'"

pid_file() { printf '%s/pids/%s.pid' "$STATE" "$1"; }
log_file() { printf '%s/logs/%s.log' "$STATE" "$1"; }

# The pid of a process this state dir started, if it still runs. The command line must carry this state
# dir's marker, so a pid reused by another program is never taken for ours (and never killed).
our_pid() {
  local file pid
  file=$(pid_file "$1")
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-Dtollgate.platform=$STATE " || return 1
  printf '%s' "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

process_port() {
  case $1 in
    sim-1) echo "$SIM1_PORT" ;;
    sim-2) echo "$SIM2_PORT" ;;
    control-plane) echo "$CP_PORT" ;;
    analytics) echo "$ANALYTICS_PORT" ;;
    gateway-1) echo "$GATEWAY1_PORT" ;;
    gateway-2) echo "$GATEWAY2_PORT" ;;
  esac
}

ready_url() {
  case $1 in
    sim-1 | sim-2) echo "http://127.0.0.1:$(process_port "$1")/health" ;;
    control-plane | analytics) echo "http://127.0.0.1:$(process_port "$1")/ready" ;;
    gateway-1 | gateway-2) echo "http://127.0.0.1:$(process_port "$1")/readyz" ;;
  esac
}

# Starts one process in the background, detached from this shell, with exactly the environment given
# (env -i: nothing leaks in from the caller's shell, e.g. an old TOLLGATE_REDIS_KEY_PREFIX).
launch() {
  local name=$1 jar=$2
  shift 2
  local envs=() args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  args=("$@")
  if pid=$(our_pid "$name"); then
    log "$name already runs (pid $pid)"
    return 0
  fi
  local port
  port=$(process_port "$name")
  if port_open "$port"; then
    die "$name: port $port is in use by another process; stop it, or move the platform with TOLLGATE_PLATFORM_PORT_BASE (now $BASE)"
  fi
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 ${JAVA_HOME:+JAVA_HOME="$JAVA_HOME"} "${envs[@]}" \
    setsid java $JAVA_OPTS "-Dtollgate.platform=$STATE" -jar "$jar" "${args[@]}" \
    >>"$(log_file "$name")" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
  log "$name started (pid $!, port $port, log $(log_file "$name"))"
}

wait_ready() {
  local name=$1 url deadline
  url=$(ready_url "$name")
  deadline=$((SECONDS + READY_TIMEOUT_S))
  until curl -fs -o /dev/null --max-time 2 "$url"; do
    if ! our_pid "$name" >/dev/null; then
      log "$name exited; the end of its log ($(log_file "$name")):"
      tail -n 25 "$(log_file "$name")" >&2 || true
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "$name not ready after ${READY_TIMEOUT_S}s at $url; the end of its log:"
      tail -n 25 "$(log_file "$name")" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

random_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# secrets.env holds what must stay the same across `down` and `up` (the pepper above all: keys are
# hashed with it). Written once, readable by its owner only.
load_secrets() {
  local file=$STATE/secrets.env
  if [ ! -f "$file" ]; then
    (
      umask 077
      {
        echo "PEPPER=$(random_secret)"
        echo "BOOTSTRAP_TOKEN=boot-$(random_secret)"
        echo "ANALYTICS_TOKEN=tga-$(random_secret)"
        echo "GATEWAY_ADMIN_TOKEN=tga-$(random_secret)"
      } >"$file"
    )
  fi
  # shellcheck disable=SC1090
  . "$file"
}

# Values the bootstrap obtained (tokens, the API key), appended as they come so a bootstrap that stops
# half-way resumes without asking twice for what can be shown only once.
remember() {
  (umask 077; echo "$1=$2" >>"$STATE/bootstrap.env")
  eval "$1=\$2"
}

# A control-plane API call: prints the body; fails naming the call unless the status is 2xx (or in $ok).
api() {
  local method=$1 path=$2 token=$3 body=${4:-} ok=${5:-} out status
  out=$(mktemp)
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "http://127.0.0.1:$CP_PORT$path" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${body:+--data "$body"}) || {
    rm -f "$out"; die "control plane unreachable on port $CP_PORT ($method $path)"; }
  if [[ $status != 2* && " $ok " != *" $status "* ]]; then
    log "$method $path answered $status: $(cat "$out")"
    rm -f "$out"
    exit 1
  fi
  cat "$out"
  rm -f "$out"
}

bootstrap() {
  [ -f "$STATE/bootstrap.env" ] && . "$STATE/bootstrap.env"
  if [ -n "${KEY_SECRET:-}" ]; then
    return 0
  fi
  log "bootstrapping: admin, config reader, catalogue, org '$ORG', key '$KEY_ID'"
  if [ -z "${ADMIN_TOKEN:-}" ]; then
    remember ADMIN_TOKEN "$(api POST /api/v1/users "$BOOTSTRAP_TOKEN" \
      "{\"email\":\"$ADMIN_EMAIL\",\"platformAdmin\":true,\"tokenTtl\":\"0\"}" | jq -er .token)"
  fi
  if [ -z "${READER_TOKEN:-}" ]; then
    # The gateways' config reader: no org role, may read snapshots only; a token that never expires, for a
    # machine that is not production.
    remember READER_TOKEN "$(api POST /api/v1/users "$ADMIN_TOKEN" \
      "{\"email\":\"$READER_EMAIL\",\"configReader\":true,\"tokenTtl\":\"0\"}" | jq -er .token)"
  fi
  # 409: made by an earlier, interrupted bootstrap.
  api POST /api/v1/policies "$ADMIN_TOKEN" \
    '{"name":"default","limits":{"requestsPerMinute":600,"tokensPerMinute":1000000,"maxConcurrentStreams":64}}' 409 >/dev/null
  api POST /api/v1/policies "$ADMIN_TOKEN" \
    '{"name":"demo","limits":{"requestsPerMinute":300,"tokensPerMinute":500000,"maxConcurrentStreams":32}}' 409 >/dev/null
  api POST /api/v1/backends "$ADMIN_TOKEN" "{\"id\":\"sim-1\",\"url\":\"http://127.0.0.1:$SIM1_PORT\"}" 409 >/dev/null
  api POST /api/v1/backends "$ADMIN_TOKEN" "{\"id\":\"sim-2\",\"url\":\"http://127.0.0.1:$SIM2_PORT\"}" 409 >/dev/null
  model_on_simulators "$MODEL" 0.10 0.40
  model_on_simulators "$POOLING_MODEL" 0.02 0
  model_on_simulators "$TRANSCRIPTION_MODEL" 0.10 0.40
  api POST /api/v1/orgs "$ADMIN_TOKEN" \
    "{\"name\":\"$ORG\",\"display\":\"Demo org\",\"policy\":\"demo\",\"budget\":{\"limitUsd\":100,\"period\":\"month\"}}" 409 >/dev/null
  remember KEY_SECRET "$(api POST "/api/v1/orgs/$ORG/keys" "$ADMIN_TOKEN" \
    "{\"id\":\"$KEY_ID\",\"models\":[\"*\"],\"policy\":\"demo\"}" | jq -er .secret)"
}

# A model with its prices (per million prompt and completion tokens), routed to both simulators.
model_on_simulators() {
  api POST /api/v1/models "$ADMIN_TOKEN" \
    "{\"name\":\"$1\",\"prices\":{\"promptPerMillion\":$2,\"completionPerMillion\":$3}}" 409 >/dev/null
  api POST /api/v1/routes "$ADMIN_TOKEN" \
    "{\"model\":\"$1\",\"backends\":[\"sim-1\",\"sim-2\"],\"strategy\":\"least-load\",\"maxAttempts\":2}" 409 >/dev/null
}

# The bootstrap admin's portal password: made once (also for a platform bootstrapped before the
# portal existed), set through the API, kept in bootstrap.env like the tokens.
admin_password() {
  if [ -z "${ADMIN_PASSWORD:-}" ]; then
    local password
    password=$(random_secret)
    api PUT "/api/v1/users/$ADMIN_EMAIL/password" "$ADMIN_TOKEN" "{\"password\":\"$password\"}" >/dev/null
    remember ADMIN_PASSWORD "$password"
  fi
}

build_if_needed() {
  local jar missing=0
  for jar in "$GATEWAY_JAR" "$CP_JAR" "$ANALYTICS_JAR" "$SIM_JAR"; do
    [ -f "$jar" ] || missing=1
  done
  if [ $missing = 1 ]; then
    log "building the jars (mvn -B -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
  fi
}

write_env() {
  local gw1=http://127.0.0.1:$GATEWAY1_PORT gw2=http://127.0.0.1:$GATEWAY2_PORT
  (
    umask 077
    cat >"$STATE/platform.env" <<EOF
TOLLGATE_GATEWAY_URL=$gw1
TOLLGATE_GATEWAY_URLS=$gw1,$gw2
TOLLGATE_API_KEY=$KEY_SECRET
TOLLGATE_MODEL=$MODEL
TOLLGATE_POOLING_MODEL=$POOLING_MODEL
TOLLGATE_TRANSCRIPTION_MODEL=$TRANSCRIPTION_MODEL
TOLLGATE_ORG=$ORG
TOLLGATE_CONTROL_PLANE_URL=http://127.0.0.1:$CP_PORT
TOLLGATE_ADMIN_EMAIL=$ADMIN_EMAIL
TOLLGATE_ADMIN_TOKEN=$ADMIN_TOKEN
TOLLGATE_ADMIN_PASSWORD=$ADMIN_PASSWORD
TOLLGATE_PORTAL_URL=http://127.0.0.1:$CP_PORT/
TOLLGATE_ENDPOINT=http://127.0.0.1:$CP_PORT
TOLLGATE_TOKEN=$ADMIN_TOKEN
TOLLGATE_ANALYTICS_URL=http://127.0.0.1:$ANALYTICS_PORT
TOLLGATE_ANALYTICS_TOKEN=$ANALYTICS_TOKEN
TOLLGATE_GATEWAY_ADMIN_URLS=http://127.0.0.1:$GATEWAY1_ADMIN_PORT,http://127.0.0.1:$GATEWAY2_ADMIN_PORT
TOLLGATE_GATEWAY_ADMIN_TOKEN=$GATEWAY_ADMIN_TOKEN
TOLLGATE_SIMULATOR_URLS=http://127.0.0.1:$SIM1_PORT,http://127.0.0.1:$SIM2_PORT
TOLLGATE_PLATFORM_DIR=$STATE
TOLLGATE_PLATFORM_NAME=$NAME
EOF
  )
}

start_gateway() {
  local name=$1 port=$2 admin_port=$3
  mkdir -p "$STATE/spool/$name"
  launch "$name" "$GATEWAY_JAR" \
    TOLLGATE_PORT="$port" TOLLGATE_ADMIN_PORT="$admin_port" TOLLGATE_HOST=127.0.0.1 \
    TOLLGATE_ADMIN_TOKEN="$GATEWAY_ADMIN_TOKEN" TOLLGATE_KEY_PEPPER="$PEPPER" \
    TOLLGATE_REDIS_URL="$REDIS_URL" TOLLGATE_REDIS_PREFIX="$NAME" TOLLGATE_REPLICAS=2 \
    TOLLGATE_RABBITMQ_URL="$RABBITMQ_URL" TOLLGATE_RABBITMQ_EXCHANGE="tollgate.$NAME.usage" \
    TOLLGATE_RABBITMQ_QUEUE="tollgate.$NAME.usage.events" TOLLGATE_RABBITMQ_SPOOL_DIR="$STATE/spool/$name" \
    TOLLGATE_USAGE_SPOOL="$STATE/spool/$name/standalone.jsonl" TOLLGATE_EVENT_LOOPS=1 \
    TOLLGATE_CONTROL_PLANE_URL="http://127.0.0.1:$CP_PORT" TOLLGATE_CONTROL_PLANE_TOKEN="$READER_TOKEN" \
    TOLLGATE_CONFIG_POLL_MS=2000 TOLLGATE_SHUTDOWN_GRACE_MS=5000 TOLLGATE_LOG_FORMAT=json
}

# A tool the script needs: installed from Debian's packages when missing and we may (root, as in CI).
require_tool() {
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing $2"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
  command -v "$1" >/dev/null || die "$1 not found: install it (apt-get install $2)"
}

cmd_up() {
  command -v java >/dev/null || die "java not found: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
  require_tool curl curl
  require_tool jq jq
  mkdir -p "$STATE/pids" "$STATE/logs" "$STATE/spool"
  "$ROOT/scripts/services.sh" redis rabbitmq postgres node
  build_if_needed
  load_secrets

  # Each simulator also serves a pooling model (embeddings, rerank, score) and a speech-to-text
  # model, so that every API the gateway serves can be tried on the platform.
  launch sim-1 "$SIM_JAR" -- --port "$SIM1_PORT" --model "$MODEL" \
    --pooling-model "$POOLING_MODEL" --transcription-model "$TRANSCRIPTION_MODEL"
  launch sim-2 "$SIM_JAR" -- --port "$SIM2_PORT" --model "$MODEL" --seed 43 \
    --pooling-model "$POOLING_MODEL" --transcription-model "$TRANSCRIPTION_MODEL"
  local smtp=()
  if [ -n "${TOLLGATE_PLATFORM_SMTP_PORT:-}" ]; then
    smtp=(TOLLGATE_SMTP_HOST="${TOLLGATE_PLATFORM_SMTP_HOST:-127.0.0.1}" TOLLGATE_SMTP_PORT="$TOLLGATE_PLATFORM_SMTP_PORT"
      TOLLGATE_SMTP_STARTTLS=DISABLED TOLLGATE_SMTP_FROM="tollgate@${NAME//_/-}.local")
  fi
  launch control-plane "$CP_JAR" "${smtp[@]}" \
    TOLLGATE_DATABASE_URL="$PG_URL" TOLLGATE_DATABASE_SCHEMA="${NAME}_control_plane" \
    TOLLGATE_CONTROL_PLANE_PORT="$CP_PORT" TOLLGATE_BOOTSTRAP_TOKEN="$BOOTSTRAP_TOKEN" \
    TOLLGATE_KEY_PEPPER="$PEPPER" TOLLGATE_REDIS_URL="$REDIS_URL" TOLLGATE_REDIS_PREFIX="$NAME" \
    TOLLGATE_ANALYTICS_URL="http://127.0.0.1:$ANALYTICS_PORT" TOLLGATE_ANALYTICS_TOKEN="$ANALYTICS_TOKEN" \
    TOLLGATE_LOG_FORMAT=json
  launch analytics "$ANALYTICS_JAR" \
    TOLLGATE_ANALYTICS_PG_URL="$PG_URL" TOLLGATE_ANALYTICS_PG_SCHEMA="${NAME}_analytics" \
    TOLLGATE_ANALYTICS_PORT="$ANALYTICS_PORT" TOLLGATE_ANALYTICS_HOST=127.0.0.1 \
    TOLLGATE_ANALYTICS_TOKEN="$ANALYTICS_TOKEN" TOLLGATE_RABBITMQ_URL="$RABBITMQ_URL" \
    TOLLGATE_CONTROL_PLANE_URL="http://127.0.0.1:$CP_PORT" \
    TOLLGATE_RABBITMQ_EXCHANGE="tollgate.$NAME.usage" TOLLGATE_RABBITMQ_QUEUE="tollgate.$NAME.usage.events" \
    TOLLGATE_LOG_FORMAT=json
  wait_ready control-plane
  bootstrap
  admin_password
  wait_ready sim-1
  wait_ready sim-2
  # The gateways fetch the control plane's config before they listen, so they start after the bootstrap.
  start_gateway gateway-1 "$GATEWAY1_PORT" "$GATEWAY1_ADMIN_PORT"
  start_gateway gateway-2 "$GATEWAY2_PORT" "$GATEWAY2_ADMIN_PORT"
  wait_ready analytics
  wait_ready gateway-1
  wait_ready gateway-2
  write_env
  serves_demo_key gateway-1 "$GATEWAY1_PORT"
  serves_demo_key gateway-2 "$GATEWAY2_PORT"
  print_summary
}

# The end-to-end check of a gateway: the demo key lists the model (key record in Redis, config from the
# control plane). Retried for a while: a gateway just started may answer its first key lookups
# 503 key_store_unavailable while its Redis connection is still cold (past redis.timeoutMs).
serves_demo_key() {
  local name=$1 port=$2 deadline=$((SECONDS + 20))
  until curl -fs --max-time 5 "http://127.0.0.1:$port/v1/models" -H "Authorization: Bearer $KEY_SECRET" \
    | jq -e --arg m "$MODEL" '.data | map(.id) | index($m)' >/dev/null; do
    [ $SECONDS -lt $deadline ] || die "$name (port $port) does not serve $MODEL to the demo key; see $(log_file "$name")"
    sleep 0.5
  done
}

print_summary() {
  cat <<EOF

Tollgate platform '$NAME' is up (state in $STATE):
  gateways        http://127.0.0.1:$GATEWAY1_PORT  http://127.0.0.1:$GATEWAY2_PORT  (admin :$GATEWAY1_ADMIN_PORT :$GATEWAY2_ADMIN_PORT)
  control plane   http://127.0.0.1:$CP_PORT   (admin $ADMIN_EMAIL, token in \`scripts/platform.sh env\`)
  portal          http://127.0.0.1:$CP_PORT/   sign in as $ADMIN_EMAIL with password $ADMIN_PASSWORD
  analytics       http://127.0.0.1:$ANALYTICS_PORT
  vLLM simulators http://127.0.0.1:$SIM1_PORT  http://127.0.0.1:$SIM2_PORT
  logs            $STATE/logs/

Stream a completion:
  curl -N http://127.0.0.1:$GATEWAY1_PORT/v1/chat/completions \\
    -H 'Authorization: Bearer $KEY_SECRET' -H 'Content-Type: application/json' \\
    -d '{"model":"$MODEL","stream":true,"max_tokens":32,"messages":[{"role":"user","content":"Tell me about toll gates"}]}'

Use it from a shell:  set -a; eval "\$(scripts/platform.sh env)"; set +a; java -jar control-plane/target/tollgate-admin.jar orgs list
Stop it:              scripts/platform.sh down   (--purge also drops its data)
EOF
}

cmd_env() {
  [ -f "$STATE/platform.env" ] || die "no platform in $STATE: run scripts/platform.sh up"
  cat "$STATE/platform.env"
}

cmd_status() {
  local name pid state any=0
  printf '%-14s %-8s %-6s %s\n' PROCESS PID PORT STATE
  for name in "${PROCESSES[@]}"; do
    if pid=$(our_pid "$name"); then
      any=1
      if curl -fsS -o /dev/null --max-time 2 "$(ready_url "$name")"; then state=ready; else state="not ready ($(ready_url "$name"))"; fi
    else
      pid=-
      state=stopped
    fi
    printf '%-14s %-8s %-6s %s\n' "$name" "$pid" "$(process_port "$name")" "$state"
  done
  [ $any = 1 ] || log "nothing runs from $STATE (scripts/platform.sh up starts it)"
}

cmd_down() {
  local purge=0 name pid i pids=()
  [ "${1:-}" = --purge ] && purge=1
  [ $# -le 1 ] && { [ $# = 0 ] || [ $purge = 1 ]; } || usage
  for ((i = ${#PROCESSES[@]} - 1; i >= 0; i--)); do
    name=${PROCESSES[$i]}
    if pid=$(our_pid "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$name:$pid")
    fi
    rm -f "$(pid_file "$name")"
  done
  for entry in "${pids[@]}"; do
    name=${entry%%:*}
    pid=${entry#*:}
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) still runs 15 s after SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  done
  if [ $purge = 1 ]; then
    purge_data
  fi
}

purge_data() {
  log "dropping the data of platform '$NAME': PostgreSQL schemas, Redis keys, RabbitMQ queues and exchanges, $STATE"
  local psql_url=${PG_URL/#postgresql:/postgres:}
  PGOPTIONS="-c client_min_messages=warning" psql "$psql_url" -qAt -c "DROP SCHEMA IF EXISTS ${NAME}_control_plane CASCADE; DROP SCHEMA IF EXISTS ${NAME}_analytics CASCADE" \
    >/dev/null || log "could not drop the schemas (is PostgreSQL up?)"
  local redis_host redis_port hostport
  hostport=${REDIS_URL#redis://}
  hostport=${hostport%%/*}
  redis_host=${hostport%%:*}
  redis_port=${hostport##*:}
  for pattern in "$NAME:*" "{$NAME:*"; do
    redis-cli -h "$redis_host" -p "$redis_port" --scan --pattern "$pattern" \
      | xargs -r -n 500 redis-cli -h "$redis_host" -p "$redis_port" DEL >/dev/null \
      || log "could not delete the Redis keys $pattern"
  done
  for queue in "tollgate.$NAME.usage.events" "tollgate.$NAME.usage.events.dlq"; do
    rabbitmqctl -q delete_queue "$queue" >/dev/null 2>&1 || true
  done
  # rabbitmqctl has no command that deletes an exchange; this eval uses the broker's own function (3.x).
  # Best effort: an exchange left behind holds no data.
  for exchange in "tollgate.$NAME.usage" "tollgate.$NAME.usage.dlx"; do
    rabbitmqctl -q eval "rabbit_exchange:delete(rabbit_misc:r(<<\"/\">>, exchange, <<\"$exchange\">>), false, <<\"platform.sh\">>)." \
      >/dev/null 2>&1 || true
  done
  rm -rf "$STATE"
}

case ${1:-} in
  up) [ $# = 1 ] || usage; cmd_up ;;
  env) [ $# = 1 ] || usage; cmd_env ;;
  status) [ $# = 1 ] || usage; cmd_status ;;
  down) shift; cmd_down "$@" ;;
  *) usage ;;
esac
