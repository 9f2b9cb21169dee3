#!/usr/bin/env bash
# The arena scale run: the arena server in one JVM, N bots in a second JVM, both on loopback, for a bounded time.
# Prints the server's status lines (tick p50/p99, players, bytes/s, heap) and the bots' summary table.
#
#   tools/scale-run.sh [bots] [seconds] [server JVM flags...]
#   tools/scale-run.sh 2000 60 -XX:+UseParallelGC -Xmx2g
#
# Needs `mvn -B -q -DskipTests package` first. Ports 17000/17001/18080 on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bots=${1:-2000}
seconds=${2:-60}
shift $(( $# < 2 ? $# : 2 ))
jar=examples/target/mmo-examples.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }

java "$@" -jar "$jar" arena --bots 0 --duration $((seconds + 15)) --status-every 5 \
  --tcp-port 17000 --ws-port 17001 --http-port 18080 > /tmp/scale-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  grep -q "page" /tmp/scale-server.log 2>/dev/null && break
  sleep 0.2
done
java -Xmx2g -jar "$jar" bots --host 127.0.0.1 --port 17000 --bots "$bots" --duration "$seconds" \
  --drops-per-minute 0 --progress-every 10 > /tmp/scale-bots.log 2>&1 || true
wait $server || true
trap - EXIT
echo "== server (flags: ${*:-none})"
grep -E "^tick|arena:" /tmp/scale-server.log
echo "== bots"
grep -E "^\||^bots" /tmp/scale-bots.log | tail -22
