#!/usr/bin/env bash
# The component benchmarks, one command each. They are programs (never timed tests) that live next
# to the test support they reuse (in-process simulators, gateways, brokers), and print their figures
# and write a report; this script builds what they need and runs them from a private copy of the
# classes, so a rebuild elsewhere cannot pull them from under a run.
#
#   loadtests/benchmarks.sh routing      # least-load and prefix-affinity vs round-robin on an unequal fleet (issue 7)
#   loadtests/benchmarks.sh admission    # admissions/s one gateway sustains against one Redis, vs in-process (issue 4)
#   loadtests/benchmarks.sh consumer     # usage events/s through the analytics consumer into PostgreSQL (issue 5)
#   loadtests/benchmarks.sh emission     # gateway TTFT with usage emission to RabbitMQ on vs off (issue 5)
#
# Gateway vs direct, and platform vs standalone admission as added TTFT: loadtests/bench.sh and the
# harness's compare mode (loadtests/README.md). Services: scripts/services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-}
shift || true
case "$which" in
  routing)   module=gateway;            main=io.tollgate.gateway.route.RoutingBenchmark ;;
  admission) module=gateway;            main=io.tollgate.gateway.limit.AdmissionBenchmark ;;
  consumer)  module=analytics-consumer; main=io.tollgate.analytics.bench.ConsumerBenchmark ;;
  emission)  module=analytics-consumer; main=io.tollgate.analytics.e2e.EmissionTtftBenchmark ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac

case "$which" in admission|consumer|emission) scripts/services.sh >/dev/null ;; esac
mvn -B -q -pl "$module" -am -DskipTests install
mvn -B -q -f "$module/pom.xml" test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark-classpath.txt -Dmdep.includeScope=test
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r "$module/target/classes" "$module/target/test-classes" "$copy/"
exec java -cp "$copy/test-classes:$copy/classes:$(cat "$module/target/benchmark-classpath.txt")" "$main" "$@"
