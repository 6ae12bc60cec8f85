/**
 * One synth run for bench/synth.bench.mjs, in its own process so peak memory is this run's:
 * `node --import tsx bench/synth-workload.ts <projects>` builds an app with one stack holding
 * <projects> × (project, network, subnet, router, router interface) and synthesizes it into a
 * temporary directory, then prints one JSON line of figures.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";

const projects = Number(process.argv[2]);
if (!Number.isInteger(projects) || projects < 1) {
  process.stderr.write("usage: synth-workload.ts <projects ≥ 1>\n");
  process.exit(2);
}

const t0 = performance.now();
const { App, TerraformStack } = require("../src/cdktf") as typeof import("../src/cdktf");
const { OpenStackCloud, Project, Router, TenantNetwork } = require("../src/cloud") as typeof import("../src/cloud");
const tLoaded = performance.now();

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-bench-"));
const app = new App({ outdir });
const stack = new TerraformStack(app, "bench");
new OpenStackCloud(stack, "cloud", { cloud: "bench" });
for (let i = 0; i < projects; i++) {
  const project = new Project(stack, `project-${i}`, { name: `tenant-${i}` });
  const network = new TenantNetwork(stack, `net-${i}`, {
    name: `net-${i}`,
    cidr: `10.${Math.floor(i / 256) % 256}.${i % 256}.0/24`,
    project,
  });
  new Router(stack, `router-${i}`, { name: `router-${i}`, interfaces: [network], project });
}
const tBuilt = performance.now();
app.synth();
const tSynth = performance.now();

const file = path.join(outdir, "stacks", "bench", "cdk.tf.json");
const json = JSON.parse(fs.readFileSync(file, "utf8")) as { resource: Record<string, Record<string, unknown>> };
const resources = Object.values(json.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
const bytes = fs.statSync(file).size;
fs.rmSync(outdir, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    projects,
    resources,
    loadMs: tLoaded - t0,
    constructMs: tBuilt - tLoaded,
    synthMs: tSynth - tBuilt,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 1024 / 1024,
    outputMb: bytes / 1024 / 1024,
  })}\n`,
);
