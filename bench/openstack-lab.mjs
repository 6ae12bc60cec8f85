#!/usr/bin/env node
// How long a real OpenStack cloud in the lab takes to come up with a warm venv, from lab start to
// "every API answers, every compute registered, every OVN chassis alive", for 1, 3 (and 6) hosts
// laid out by labRoles(); what its processes hold in memory (PSS) and its disks (tmpfs); how long
// teardown (every recorded process stopped by id) takes. Goal (issue 8): ≤ 3 min for 3 hosts on 2 cores.
// Usage: node bench/openstack-lab.mjs [sizes...] [--release=2025.1]   (root; default sizes 1 3)
import { createRequire } from "node:module";
import { register } from "tsx/cjs/api";
import { diskUsedKiB, pssKiB } from "./lab-memory.mjs";

register();
const require = createRequire(import.meta.url);
const { isLabSupported } = require("../test/lab/lab.ts");
const { netnsPids } = require("../test/lab/registry.ts");
const { ensureOpenStackVenv, startOpenStackCloud } = require("../test/lab/openstack-cloud.ts");

const support = isLabSupported();
if (!support.ok) {
  console.log(`LAB SKIPPED: bench/openstack-lab.mjs: ${support.reason}`);
  process.exit(0);
}

const args = process.argv.slice(2);
const release = (args.find((a) => a.startsWith("--release=")) ?? "--release=2025.1").split("=")[1];
const sizes = args.filter((a) => !a.startsWith("--")).map(Number);
const venvStarted = performance.now();
const venv = await ensureOpenStackVenv(release, (line) => console.error(line));
console.log(`venv ${release}: ${venv} (${((performance.now() - venvStarted) / 1000).toFixed(1)} s to build or reuse)`);
// ready: from the call to a usable cloud, minus the time spent queueing for another cloud's start (lock).
console.log("hosts  ready(s)  services(s)  registered(s)  queued(s)  stop(s)  processes  PSS(MiB)  disk(MiB)");
for (const size of sizes.length ? sizes : [1, 3]) {
  const started = performance.now();
  const cloud = await startOpenStackCloud({ release, hosts: size });
  const queuedS = cloud.timings.lock - cloud.timings.lab;
  const readyS = (performance.now() - started) / 1000 - queuedS;
  let processes = 0;
  let pss = 0;
  let disk = 0;
  for (const host of cloud.lab.hosts) {
    const pids = await netnsPids(host.netns);
    processes += pids.length;
    for (const pid of pids) pss += pssKiB(pid);
    disk += diskUsedKiB(host.rootDir);
  }
  const stopStarted = performance.now();
  await cloud.stop();
  const stopS = (performance.now() - stopStarted) / 1000;
  console.log(
    `${String(size).padStart(5)}  ${readyS.toFixed(1).padStart(8)}  ${(cloud.timings.services - queuedS).toFixed(1).padStart(11)}  ${(cloud.timings.ready - queuedS).toFixed(1).padStart(13)}  ${queuedS.toFixed(1).padStart(9)}  ${stopS.toFixed(1).padStart(7)}  ${String(processes).padStart(9)}  ${(pss / 1024).toFixed(0).padStart(8)}  ${(disk / 1024).toFixed(0).padStart(9)}`,
  );
}
