#!/usr/bin/env bash
# Makes sure the services that integration tests talk to run on localhost: Redis (6379),
# RabbitMQ (5672, guest/guest) and PostgreSQL (5432, trust auth, database "test"); and the tools
# the build and tests need (promtool, Node.js for the portal, Chromium for the portal's end-to-end tests).
# Starts a stopped one; installs a missing one from Debian's packages (needs root, as in CI).
# Override the ports with TOLLGATE_TEST_REDIS_PORT etc. only if you also point the tests there.
set -euo pipefail

log() { printf 'services: %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local port=$1 name=$2 tries=${3:-60}
  for _ in $(seq "$tries"); do port_open "$port" && return 0; sleep 1; done
  log "$name did not open port $port"; return 1
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
apt_updated=0
install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_redis() {
  port_open 6379 && return 0
  command -v redis-server >/dev/null || { log "installing redis-server"; install redis-server; }
  log "starting Redis on 6379"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379 Redis 30
}

ensure_rabbitmq() {
  port_open 5672 && return 0
  command -v rabbitmq-server >/dev/null || { log "installing rabbitmq-server"; install rabbitmq-server; }
  log "starting RabbitMQ on 5672"
  as_root rabbitmq-server -detached || true
  wait_port 5672 RabbitMQ 120
}

ensure_postgres() {
  if ! port_open 5432; then
    command -v pg_ctlcluster >/dev/null || { log "installing postgresql"; install postgresql; }
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    log "starting PostgreSQL $version on 5432"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_port 5432 PostgreSQL 60
  fi
  # Trust auth on localhost and a database named test, as the tests expect.
  if ! psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; then
    local version hba
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    hba=/etc/postgresql/$version/main/pg_hba.conf
    if [ -f "$hba" ] && ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      log "enabling trust auth for 127.0.0.1 in $hba"
      as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    fi
    as_root su postgres -c "psql -Atc \"select 1 from pg_database where datname='test'\"" | grep -q 1 \
      || as_root su postgres -c "createdb test"
  fi
}

# Not a service, but a tool the chart tests need: promtool checks and unit-tests the alert rules.
ensure_promtool() {
  command -v promtool >/dev/null && return 0
  log "installing promtool (Debian package prometheus)"
  install prometheus
  # The package may start a Prometheus server; the tests need only the tool.
  (as_root service prometheus stop || as_root pkill -x prometheus || true) >/dev/null 2>&1
  command -v promtool >/dev/null || { log "promtool still missing after installing prometheus"; return 1; }
}

# Tools, not services: the portal's build needs Node 20.19+ and npm (Vite 7); the end-to-end suite
# drives the OS's Chromium, headless. Debian 13's packages are recent enough.
ensure_node() {
  if command -v npm >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)'; then
    return 0
  fi
  log "installing Node.js and npm (Debian packages nodejs, npm)"
  install nodejs npm
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' \
    || { log "Node $(node --version) is older than 20.19, which the portal's build (Vite 7) needs"; return 1; }
}

ensure_chromium() {
  command -v chromium >/dev/null && return 0
  log "installing chromium (the end-to-end suite's browser)"
  install chromium
}

for service in "${@:-redis rabbitmq postgres promtool node chromium}"; do
  for s in $service; do "ensure_$s"; done
done
log "ready: $(for p in 6379 5672 5432; do port_open $p && printf '%s ' $p; done)"
