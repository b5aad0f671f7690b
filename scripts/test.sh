#!/usr/bin/env bash
# Runs every test of every module. Needs only a JDK 17 and Maven; services that later modules'
# tests need (PostgreSQL, Redis, RabbitMQ) are started or installed by scripts/services.sh when
# those modules exist.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null || { echo "test.sh: java not found: install a JDK 17 (apt-get install openjdk-17-jdk-headless)" >&2; exit 2; }
command -v mvn >/dev/null || { echo "test.sh: mvn not found: install Maven (apt-get install maven)" >&2; exit 2; }

if [ -x scripts/services.sh ]; then
  scripts/services.sh
fi

exec mvn -B -ntp verify "$@"
