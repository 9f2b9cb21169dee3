#!/usr/bin/env bash
# Regenerates the committed code of the peer libraries that benchmarks/ compares mmo-sdk with:
#
#   benchmarks/src/main/proto/*.proto -> protobuf Java in benchmarks/src/main/java/org/mmosdk/benchmarks/peers/proto
#       with protoc from Maven Central (com.google.protobuf:protoc:<protobuf.version>:exe:linux-x86_64), checked to
#       be the release whose gencode matches the runtime (protobuf-java <protobuf.version> = protoc <minor>.<patch>)
#   benchmarks/src/main/sbe/*.xml     -> SBE flyweights in benchmarks/src/main/java/org/mmosdk/benchmarks/peers/sbe
#       with uk.co.real_logic.sbe.SbeTool from uk.co.real-logic:sbe-all:<sbe.version>
#
# Versions come from the parent pom's properties (protobuf.version, sbe.version). The tools are fetched through Maven
# into benchmarks/target/gen-tools (needs Maven and, the first time, the Maven registry; Linux x86-64 for protoc).
# Both output folders are deleted first, so a removed message disappears too. CI runs this and fails on
# `git diff --exit-code`; the Maven build itself needs neither tool.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -1; }
protobuf_version=$(prop protobuf.version)
sbe_version=$(prop sbe.version)
dependency_plugin_version=$(prop dependency-plugin.version)
[ -n "$protobuf_version" ] && [ -n "$sbe_version" ] && [ -n "$dependency_plugin_version" ] \
  || { echo "gen-peers: protobuf.version, sbe.version or dependency-plugin.version missing from pom.xml" >&2; exit 1; }

tools=benchmarks/target/gen-tools
mkdir -p "$tools"
fetch() {
  mvn -B -q "org.apache.maven.plugins:maven-dependency-plugin:${dependency_plugin_version}:copy" \
    -Dartifact="$1" -DoutputDirectory="$tools" -Dmdep.stripVersion=false -Dmdep.overWriteReleases=false
}

# ---------------------------------------------------------------- protobuf
protoc="$tools/protoc-${protobuf_version}-linux-x86_64.exe"
[ -f "$protoc" ] || fetch "com.google.protobuf:protoc:${protobuf_version}:exe:linux-x86_64"
chmod +x "$protoc"
expected="libprotoc ${protobuf_version#*.}"   # runtime 4.31.1 <-> protoc 31.1
actual=$("$protoc" --version)
if [ "$actual" != "$expected" ]; then
  echo "gen-peers: $protoc says '$actual', expected '$expected'" >&2
  exit 1
fi
proto_out=benchmarks/src/main/java/org/mmosdk/benchmarks/peers/proto
find "$proto_out" -name '*.java' ! -name package-info.java -delete 2>/dev/null || true
"$protoc" --proto_path=benchmarks/src/main/proto --java_out=benchmarks/src/main/java benchmarks/src/main/proto/*.proto

# ---------------------------------------------------------------- SBE
sbe_jar="$tools/sbe-all-${sbe_version}.jar"
[ -f "$sbe_jar" ] || fetch "uk.co.real-logic:sbe-all:${sbe_version}"
sbe_out=benchmarks/src/main/java/org/mmosdk/benchmarks/peers/sbe
find "$sbe_out" -name '*.java' ! -name package-info.java -delete 2>/dev/null || true
java -Dsbe.output.dir=benchmarks/src/main/java -Dsbe.target.language=Java -Dsbe.validation.stop.on.error=true \
  -Dsbe.validation.warnings.fatal=true -Dsbe.generate.ir=false -jar "$sbe_jar" benchmarks/src/main/sbe/*.xml >/dev/null
echo "gen-peers: protobuf ($actual) and SBE ($sbe_version) code regenerated"
