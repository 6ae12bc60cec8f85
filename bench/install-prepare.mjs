// Bench for the SSH installer: the real prepare phase on 1, 8 and 30 lab hosts, one host at a
// time against all at once, and how many commands per second one reused connection carries.
// Run: npm run bench:install (needs what the lab needs: root, namespaces, sshd).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

// The project is CommonJS TypeScript: load it through tsx's require hook (npm script adds it).
const require = createRequire(import.meta.url);
const { isLabSupported, startLab } = require("../test/lab/lab");
const { resolveTopology } = require("../src/topology");
const { cloudPaths } = require("../src/workspace");
const { openSession } = require("../src/install/session");
const { prepareSteps } = require("../src/install/phases/prepare");
const { runSteps } = require("../src/install/steps");
const { HostConnection, HostKeyPolicy, resolveEndpoints, SshConfig } = require("../src/install/ssh");

const support = isLabSupported();
if (!support.ok) {
  console.log(`bench:install skipped: ${support.reason}`);
  process.exit(0);
}

const SIZES = (process.env.BENCH_HOSTS ?? "1,8,30").split(",").map(Number);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-bench-"));

function topologyFor(lab, name) {
  return resolveTopology({
    name,
    domain: "rdoctl-lab.test",
    hosts: lab.hosts.map((h, i) => ({
      name: h.name,
      address: h.address,
      fqdn: h.fqdn,
      roles: i === 0 ? ["controller", "network"] : ["compute"],
      ssh: { keyFile: lab.clientKeyFile, hostKeys: [h.hostKeyFingerprint] },
    })),
  });
}

async function timePrepare(hosts, parallel) {
  const lab = await startLab({ hosts, name: `bench-${hosts}-${parallel}` });
  try {
    const name = `bench${hosts}x${parallel}`;
    const topology = topologyFor(lab, name);
    const session = openSession({
      topology,
      emit: () => undefined,
      answers: () => ({ text: "", secretValues: [] }),
      parallel,
      paths: cloudPaths(name, work),
      sshConfigFile: path.join(work, "no-ssh-config"),
      userKnownHosts: path.join(work, "no-known-hosts"),
    });
    const t0 = performance.now();
    await runSteps(session.ctx, "prepare", prepareSteps(session.ctx), true);
    const ms = performance.now() - t0;
    session.close();
    return ms;
  } finally {
    await lab.stop();
  }
}

async function commandsPerSecond() {
  const lab = await startLab({ hosts: 1, name: "bench-cps" });
  try {
    const topology = topologyFor(lab, "benchcps");
    const ep = resolveEndpoints(topology, SshConfig.parse("")).get("node1");
    const options = { hostKeys: new HostKeyPolicy({ knownHostsFiles: [], recordFile: path.join(work, "kh") }), agentSocket: "" };
    const conn = await HostConnection.open(ep, options);
    for (let i = 0; i < 20; i += 1) await conn.exec("true");
    const n = 500;
    let t0 = performance.now();
    for (let i = 0; i < n; i += 1) await conn.exec("true");
    const reused = n / ((performance.now() - t0) / 1000);
    // Several channels at once over the same connection (sshd allows 10 sessions by default).
    t0 = performance.now();
    const lanes = 8;
    await Promise.all(Array.from({ length: lanes }, async () => {
      for (let i = 0; i < n / lanes; i += 1) await conn.exec("true");
    }));
    const multiplexed = n / ((performance.now() - t0) / 1000);
    conn.close();
    const m = 30;
    t0 = performance.now();
    for (let i = 0; i < m; i += 1) {
      const c = await HostConnection.open(ep, options);
      await c.exec("true");
      c.close();
    }
    const fresh = m / ((performance.now() - t0) / 1000);
    // How long a pulled cable goes unnoticed with the default keepalive (1 s × 3).
    const watched = await HostConnection.open(ep, options);
    const closed = new Promise((resolve) => watched.onClose(resolve));
    watched.exec("sleep 60").catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    t0 = performance.now();
    await lab.linkDown("node1");
    const reason = await closed;
    const deadLinkSeconds = (performance.now() - t0) / 1000;
    await lab.linkUp("node1");
    return { reused, multiplexed, fresh, n, m, deadLinkSeconds, reason };
  } finally {
    await lab.stop();
  }
}

console.log(`rdoctl install bench — ${os.cpus().length} CPUs, node ${process.version}; prepare = the real phase (hostname, /etc/hosts, SELinux, firewalld, locale, CRB, RDO repo, dnf update) on fresh lab hosts, simulated dnf at delay-scale 0.1`);
console.log("hosts  serial (s)  parallel (s)  speed-up  per host serial (s)");
for (const n of SIZES) {
  const serial = await timePrepare(n, 1);
  const parallel = n === 1 ? serial : await timePrepare(n, n);
  console.log(
    `${String(n).padStart(5)}  ${(serial / 1000).toFixed(2).padStart(10)}  ${(parallel / 1000).toFixed(2).padStart(12)}  ${(serial / parallel).toFixed(1).padStart(8)}  ${(serial / n / 1000).toFixed(2).padStart(19)}`,
  );
}
const cps = await commandsPerSecond();
console.log(`commands/second over one reused connection: ${cps.reused.toFixed(0)} (${cps.n} × \`true\`)`);
console.log(`commands/second over one connection, 8 channels at once: ${cps.multiplexed.toFixed(0)}`);
console.log(`commands/second with a new connection each:  ${cps.fresh.toFixed(1)} (${cps.m} × connect + \`true\`)`);
console.log(`dead link noticed after ${cps.deadLinkSeconds.toFixed(1)} s (keepalive 1 s × 3; ${cps.reason})`);
fs.rmSync(work, { recursive: true, force: true });
