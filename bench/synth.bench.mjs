#!/usr/bin/env node
// Synth cost of the cloud constructs as stacks grow: ~100, ~1,000 and ~5,000 resources
// (projects each with a network, subnet, router and router interface). Every size runs in a
// fresh Node process (bench/synth-workload.ts) so peak RSS belongs to that size alone.
//
//   npm run bench:synth            sizes 20, 200, 1000 projects
//   npm run bench:synth -- 50 500  other project counts
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sizes = process.argv.slice(2).map(Number);
const projectCounts = sizes.length > 0 ? sizes : [20, 200, 1000];

const rows = [];
for (const projects of projectCounts) {
  const out = execFileSync(process.execPath, ["--import", "tsx", "bench/synth-workload.ts", String(projects)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    maxBuffer: 16 * 1024 * 1024,
  });
  rows.push(JSON.parse(out.trim().split("\n").pop()));
}

const fmt = (n, digits = 0) => n.toFixed(digits);
const header = ["projects", "resources", "load ms", "construct ms", "synth ms", "ms/resource", "peak RSS MB", "heap MB", "cdk.tf.json MB"];
const table = rows.map((r) => [
  String(r.projects),
  String(r.resources),
  fmt(r.loadMs),
  fmt(r.constructMs),
  fmt(r.synthMs),
  fmt((r.constructMs + r.synthMs) / r.resources, 2),
  fmt(r.peakRssMb),
  fmt(r.heapUsedMb),
  fmt(r.outputMb, 1),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => c.padStart(widths[i])).join("  ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of table) console.log(line(row));
if (rows.length > 1) {
  const first = rows[0];
  const last = rows[rows.length - 1];
  const ratio = (last.constructMs + last.synthMs) / (first.constructMs + first.synthMs);
  console.log(`\n${fmt(last.resources / first.resources, 0)}× the resources cost ${fmt(ratio, 1)}× the construct+synth time and ${fmt(last.peakRssMb / first.peakRssMb, 1)}× the peak RSS.`);
}
