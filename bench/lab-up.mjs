#!/usr/bin/env node
// How long the test lab takes to bring up and tear down 1, 8 and 30 hosts, and what each host
// costs in memory: PSS of its processes (init, sshd, sleep) and what its tmpfs disk holds.
// Usage: node bench/lab-up.mjs [sizes...]   (root; default sizes 1 8 30)
import { createRequire } from "node:module";
import { register } from "tsx/cjs/api";
import { diskUsedKiB, pssKiB } from "./lab-memory.mjs";

register();
const require = createRequire(import.meta.url);
const { startLab, isLabSupported } = require("../test/lab/lab.ts");
const { netnsPids } = require("../test/lab/registry.ts");

const support = isLabSupported();
if (!support.ok) {
  console.log(`LAB SKIPPED: bench/lab-up.mjs: ${support.reason}`);
  process.exit(0);
}

const sizes = process.argv.slice(2).map(Number);
console.log("hosts  up(ms)  per-host(ms)  stop(ms)  processes/host  PSS/host(MiB)  disk/host(MiB)");
for (const size of sizes.length ? sizes : [1, 8, 30]) {
  const started = performance.now();
  const lab = await startLab({ hosts: size, name: `bench-${size}` });
  const upMs = performance.now() - started;
  let pss = 0;
  let processes = 0;
  let disk = 0;
  for (const host of lab.hosts) {
    const pids = await netnsPids(host.netns);
    processes += pids.length;
    for (const pid of pids) pss += pssKiB(pid);
    disk += diskUsedKiB(host.rootDir);
  }
  const stopStarted = performance.now();
  await lab.stop();
  const stopMs = performance.now() - stopStarted;
  console.log(
    [
      String(size).padStart(5),
      upMs.toFixed(0).padStart(7),
      (upMs / size).toFixed(0).padStart(13),
      stopMs.toFixed(0).padStart(9),
      (processes / size).toFixed(1).padStart(15),
      (pss / size / 1024).toFixed(2).padStart(14),
      (disk / size / 1024).toFixed(2).padStart(15),
    ].join(" "),
  );
}
