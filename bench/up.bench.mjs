// Bench for `rdoctl up`: wall time by stage (answers, install, credentials, deploy, checks) on lab
// hosts whose Packstack starts real OpenStack services, first run and a rerun with nothing to do,
// then `rdoctl down`. Figures come from the run's own stage events (durationMs).
// Run: npm run bench:up (root, namespaces, the OpenStack venv, the engine: npm run engine).
// BENCH_UP_HOSTS=3 for a three-node cloud (default 1); BENCH_UP_STACKS (default identity).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { isLabSupported, startLab } = require("../test/lab/lab");
const { labCloudSpec, writeLabInventory } = require("../test/lab/inventory");
const { enableRealOpenStack, ensureOpenStackVenv } = require("../test/lab/openstack-cloud");
const { engineCacheDir, locateEngine } = require("../src/cloud/engine");

const support = isLabSupported();
if (!support.ok) {
  console.log(`bench:up skipped: ${support.reason}`);
  process.exit(0);
}
if (locateEngine().problems.length > 0) {
  console.log("bench:up skipped: the engine is not ready (npm run engine)");
  process.exit(0);
}

const ROOT = path.resolve(import.meta.dirname, "..");
const hosts = Number(process.env.BENCH_UP_HOSTS ?? 1);
const stacks = process.env.BENCH_UP_STACKS ?? "identity";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-bench-up-"));
const env = { ...process.env, RDOCTL_HOME: path.join(work, "home"), RDOCTL_ENGINE_CACHE: engineCacheDir(), CI: "true" };

function rdoctl(args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "test/install/rdoctl-entry.ts"), ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err, seconds: (Date.now() - started) / 1000 }));
  });
}

function stageFigures(label, run) {
  const events = run.out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const rows = events.filter((e) => e.type === "stage" && e.status !== "start" && e.durationMs !== undefined);
  console.log(`${label}: exit ${run.code}, ${run.seconds.toFixed(1)} s wall`);
  for (const r of rows) console.log(`  ${r.stage.padEnd(12)} ${(r.durationMs / 1000).toFixed(1).padStart(7)} s  ${r.status}`);
  if (run.code !== 0) console.log(run.err.split("\n").slice(-5).join("\n"));
}

const venv = await ensureOpenStackVenv("2025.1");
const labStarted = Date.now();
const lab = await startLab({ hosts: Array.from({ length: hosts }, () => ({ delayScale: 0 })), name: "bench up" });
try {
  enableRealOpenStack(lab, venv);
  const inventory = path.join(work, "inventory.yaml");
  const spec = labCloudSpec(lab, "bench");
  writeLabInventory(inventory, { ...spec, services: { ...spec.services, heat: { enabled: true } } });
  console.log(`rdoctl up on ${hosts} lab host(s) with real OpenStack services, stacks ${stacks} (lab start ${((Date.now() - labStarted) / 1000).toFixed(1)} s)`);
  stageFigures("first run", await rdoctl(["up", inventory, "--json", "--stacks", stacks]));
  stageFigures("rerun, nothing to do", await rdoctl(["up", inventory, "--json", "--stacks", stacks]));
  const down = await rdoctl(["down", inventory, "--json", "--stacks", stacks, "--yes"]);
  console.log(`down: exit ${down.code}, ${down.seconds.toFixed(1)} s wall`);
} finally {
  await lab.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
