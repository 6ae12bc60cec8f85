#!/usr/bin/env node
// Whole-process cost of `rdoctl answers`: wall time per run (mean, median, min over N spawns of
// `node bin/rdoctl.js answers …`) and peak RSS, for the all-in-one example and a generated
// 100-compute-node inventory. Target: ≤ 0.15 s per run (Packstack's own generator: ~0.45 s).
// Usage: npm run build && npm run bench:answers   (BENCH_RUNS=N to change the run count)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(root, "bin", "rdoctl.js");
const runs = Number(process.env.BENCH_RUNS ?? 15);
const targetSeconds = 0.15;

if (!existsSync(join(root, "dist", "src", "cli", "main.js"))) {
  process.stderr.write("bench: dist/ is missing; run `npm run build` first\n");
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), "rdoctl-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

function bigInventory(computes) {
  const lines = [
    "name: bench-100",
    'release: "2025.1"',
    "domain: bench.example.com",
    "hosts:",
    "  - name: controller",
    "    address: 10.30.0.10",
    "    roles: [controller, storage]",
    "  - name: network",
    "    address: 10.30.0.11",
    "    roles: [network]",
  ];
  for (let i = 1; i <= computes; i++) {
    lines.push(`  - name: compute${i}`, `    address: 10.30.${1 + Math.floor(i / 250)}.${i % 250}`, "    roles: [compute]");
  }
  lines.push(
    "services:",
    "  swift: { enabled: true, devices: [/dev/vdb] }",
    "  heat: { enabled: true }",
    "externalNetwork: { interface: eth1, cidr: 198.51.100.0/24, gateway: 198.51.100.1 }",
  );
  return `${lines.join("\n")}\n`;
}

const big = join(work, "bench-100.yaml");
writeFileSync(big, bigInventory(100));
const cases = [
  { label: "all-in-one", inventory: join(root, "inventories", "all-in-one.yaml") },
  { label: "100 compute nodes", inventory: big },
];

function argsFor(inventory) {
  return [bin, "answers", inventory, "--secrets-test", "--out", join(work, "out.txt")];
}

const timeBinary = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** One spawn: wall seconds, and with /usr/bin/time also CPU seconds (user+sys) and peak RSS. */
function runOnce(inventory) {
  if (timeBinary) {
    const report = join(work, "time.txt");
    const start = process.hrtime.bigint();
    const run = spawnSync(timeBinary, ["-o", report, "-f", "%U %S %M", process.execPath, ...argsFor(inventory)], { encoding: "utf8" });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`rdoctl answers failed: ${run.stderr}`);
    const [user, sys, rssKiB] = readFileSync(report, "utf8").trim().split("\n").at(-1).split(" ").map(Number);
    return { wall, cpu: user + sys, rssMiB: rssKiB / 1024 };
  }
  const report = join(work, "rss.txt");
  const wrapper = [
    `process.argv = [process.argv[0], ${JSON.stringify(bin)}, ...${JSON.stringify(argsFor(inventory).slice(1))}];`,
    `process.on("exit", () => { const u = process.cpuUsage(); require("node:fs").writeFileSync(${JSON.stringify(report)}, (u.user + u.system) / 1e6 + " " + process.resourceUsage().maxRSS); });`,
    `require(${JSON.stringify(bin)});`,
  ].join("\n");
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["-e", wrapper], { encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`rdoctl answers failed: ${run.stderr}`);
  const [cpu, rssKiB] = readFileSync(report, "utf8").split(" ").map(Number);
  return { wall, cpu, rssMiB: rssKiB / 1024 };
}

const sorted = (values) => [...values].sort((a, b) => a - b);
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values) => sorted(values)[Math.floor(values.length / 2)];

const fmt = (s) => `${(s * 1000).toFixed(0)} ms`;
// Node itself: the floor under any CLI written in Node on this machine.
const floor = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  spawnSync(process.execPath, ["-e", ""]);
  floor.push(Number(process.hrtime.bigint() - start) / 1e9);
}
process.stdout.write(`rdoctl answers: ${runs} runs per case, node ${process.version}, ${timeBinary ? "CPU and RSS from /usr/bin/time" : "CPU and RSS from the child's process.cpuUsage/resourceUsage"}\n`);
process.stdout.write(`${"node -e ''".padEnd(18)} median wall ${fmt(median(floor))} (empty Node process, for scale)\n`);
for (const { label, inventory } of cases) {
  runOnce(inventory); // warm the file cache
  const samples = Array.from({ length: runs }, () => runOnce(inventory));
  const wall = samples.map((s) => s.wall);
  const cpu = samples.map((s) => s.cpu);
  const verdict = median(wall) <= targetSeconds ? "within" : "OVER";
  process.stdout.write(
    `${label.padEnd(18)} wall mean ${fmt(mean(wall))} median ${fmt(median(wall))} min ${fmt(sorted(wall)[0])}  ` +
      `CPU median ${fmt(median(cpu))}  peak RSS ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(1)} MiB  — median wall ${verdict} the ${fmt(targetSeconds)} target\n`,
  );
}
