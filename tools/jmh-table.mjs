// Prints a JMH JSON result file as a readable table: benchmark, mode, score ± error, unit, and bytes/op when the
// run used -prof gc.   node tools/jmh-table.mjs benchmarks/target/jmh-result.json
import fs from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: jmh-table.mjs RESULT.json");
  process.exit(2);
}
const results = JSON.parse(fs.readFileSync(file, "utf8"));
const rows = [["benchmark", "params", "mode", "score", "± error", "unit", "B/op"]];
const num = (x) => (x === undefined || x === null || Number.isNaN(x) ? "" : Number(x).toPrecision(4));
for (const r of results) {
  const name = r.benchmark.replace(/^org\.mmosdk\.benchmarks\./, "");
  const params = r.params ? Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(",") : "";
  const gc = r.secondaryMetrics && r.secondaryMetrics["gc.alloc.rate.norm"];
  rows.push([name, params, r.mode, num(r.primaryMetric.score), num(r.primaryMetric.scoreError),
    r.primaryMetric.scoreUnit, gc ? num(gc.score) : ""]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, c) => (c >= 3 && c !== 5 ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c]))).join("  "));
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
