// A real OpenStack cloud in the lab, for tests that need real APIs (provisioning, cdktf deploy):
// starts a lab (or uses the caller's), writes an answer file with rdoctl's own generator for an
// all-in-one topology of the lab's first host, runs the lab's service launcher for every role
// on that host (test/lab/host-root/usr/local/lib/rdoctl-lab/openstack/launch.js), and waits
// until every API answers, the compute registered and the OVN agents are alive.
//
//   const cloud = await startOpenStackCloud();           // ~2-3 minutes on 2 cores with a warm venv
//   cloud.authUrl, cloud.region, cloud.username, cloud.password, cloud.projectName, cloud.cloudsYaml
//   await cloud.stop();
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import YAML from "yaml";
import { generateAnswers } from "../../src/packstack";
import type { SecretSource } from "../../src/packstack/secrets";
import { resolveTopology } from "../../src/topology/resolve";
import type { TopologySpec } from "../../src/topology/model";
import { startLab, type Lab, type LabHost } from "./lab";
import { LAB_EXTERNAL_NETWORK, labRoles, labTopologySpec } from "./inventory";
import { OpenStackApi, type Credentials } from "./openstack-api";

const REPO = resolve(__dirname, "../..");
/** Where the launcher sits inside every lab host. */
export const HOST_LAUNCHER = "/usr/local/lib/rdoctl-lab/openstack/launch.js";
/** The port of the image server the launcher runs on the controller (Glance's web-download fetches from it). */
export const LAB_IMAGE_PORT = 8090;
/** Inside a host: the image server's directory. */
export const HOST_IMAGE_DIR = "/var/lib/rdoctl-openstack/images";

export type OpenStackRelease = "2025.1" | "2024.1";

/** Builds or reuses the release's venv (scripts/openstack-venv.mjs); resolves to its directory. */
export function ensureOpenStackVenv(release: OpenStackRelease = "2025.1", log: (line: string) => void = () => {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(REPO, "scripts/openstack-venv.mjs"), release, "--json"], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      for (const line of d.split("\n").filter(Boolean)) log(line);
    });
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(err.trim().split("\n").pop() ?? `openstack-venv.mjs exited ${code}`));
      try {
        resolvePromise(JSON.parse(out.trim().split("\n").pop()!)[release]);
      } catch {
        reject(new Error(`openstack-venv.mjs printed no venv: ${out}`));
      }
    });
  });
}

const START_LOCK = "/run/rdoctl-lab/openstack-start.lock";

/**
 * Runs `body` while holding the machine-wide lock for starting a lab cloud: on 2 cores two
 * clouds starting side by side (vitest runs test files in parallel forks) each take more than
 * twice as long and may time out, so starts queue; running clouds do not hold it. A holder
 * that died leaves a lock the next caller takes over.
 */
export async function withOpenStackStartLock<T>(body: () => Promise<T>): Promise<T> {
  mkdirSync("/run/rdoctl-lab", { recursive: true });
  for (;;) {
    try {
      mkdirSync(START_LOCK);
      writeFileSync(join(START_LOCK, "pid"), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try { holder = Number(readFileSync(join(START_LOCK, "pid"), "utf8")); } catch { /* being written */ }
      let alive = holder > 0;
      if (alive) { try { process.kill(holder, 0); } catch { alive = false; } }
      if (holder > 0 && !alive) { rmSync(START_LOCK, { recursive: true, force: true }); continue; }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(START_LOCK, { recursive: true, force: true });
  }
}

/** Random secrets, as a fresh cloud gets them (nothing kept). */
export class RandomSecrets implements SecretSource {
  readonly description = "random per lab cloud";
  private drawn = new Map<string, string>();
  secret(key: string, hexLength: number, acceptable?: (value: string) => boolean): string {
    let value = this.drawn.get(key);
    while (value === undefined || (acceptable && !acceptable(value))) value = randomBytes(Math.ceil(hexLength / 2)).toString("hex").slice(0, hexLength);
    this.drawn.set(key, value);
    return value;
  }
  save(): void {}
}

/** The roles Packstack's manifests play on each host of an answer file (what the launcher takes). */
export function launcherRoles(answers: Record<string, string>, address: string): string[] {
  const list = (key: string) => (answers[key] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const yes = (key: string) => /^(y|yes|true)$/i.test(answers[key] ?? "");
  const roles: string[] = [];
  if ((answers.CONFIG_MARIADB_INSTALL === undefined || yes("CONFIG_MARIADB_INSTALL")) && answers.CONFIG_MARIADB_HOST === address) roles.push("mariadb");
  if (answers.CONFIG_AMQP_HOST === address) roles.push("amqp");
  if (answers.CONFIG_CONTROLLER_HOST === address) roles.push("controller");
  if (yes("CONFIG_NEUTRON_INSTALL") && list("CONFIG_NETWORK_HOSTS").includes(address)) roles.push("network");
  if (yes("CONFIG_NOVA_INSTALL") && list("CONFIG_COMPUTE_HOSTS").includes(address)) roles.push("compute");
  const storage = yes("CONFIG_UNSUPPORTED") ? answers.CONFIG_STORAGE_HOST : answers.CONFIG_CONTROLLER_HOST;
  if (yes("CONFIG_CINDER_INSTALL") && storage === address) roles.push("storage");
  return roles;
}

export interface OpenStackCloudOptions {
  release?: OpenStackRelease;
  /** Use this lab instead of starting one (the caller then owns the lab). */
  lab?: Lab;
  /**
   * Hosts of the cloud, laid out by labRoles(): 1 = all-in-one (default); 2 = controller+network,
   * compute; 3+ = controller, network, computes.
   */
  hosts?: number;
  /** Merged over the all-in-one TopologySpec (e.g. `{ services: { cinder: { enabled: false } } }`). Heat is enabled by default. */
  spec?: Partial<TopologySpec>;
  /** Progress lines (launcher output, venv build). */
  log?: (line: string) => void;
  /** Default 900 000 ms (a cold venv build included). */
  timeoutMs?: number;
}

export interface OpenStackCloud {
  authUrl: string;
  region: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName: "Default";
  projectDomainName: "Default";
  /** clouds.yaml (0600) with one cloud named {@link cloudName}. */
  cloudsYaml: string;
  cloudName: string;
  /** The answer file's values (passwords included: never print them). */
  answers: Record<string, string>;
  answerFile: string;
  lab: Lab;
  host: LabHost;
  venv: string;
  /** An authenticated REST client (admin). */
  api: OpenStackApi;
  credentials: Credentials;
  /** Base URL of the image server inside the lab (http://<host>:8090/); {@link putImage} adds files. */
  imageBaseUrl: string;
  /** Writes a file the image server serves; returns its URL (for Glance web-download). */
  putImage(name: string, content: Buffer | string): string;
  /** Seconds from call to ready, per stage. */
  timings: Record<string, number>;
  /** Stops every recorded service process (by id), then the lab if this helper started it. */
  stop(): Promise<void>;
}

/**
 * Makes the lab's Packstack start real OpenStack services from `venv` (the knob
 * /etc/fake-packstack/openstack-venv, written on every host since any may be the deployer).
 */
export function enableRealOpenStack(lab: Lab, venv: string): void {
  for (const host of lab.hosts) lab.writeFile(host, "/etc/fake-packstack/openstack-venv", `${venv}\n`, 0o644);
}

/** Where schema snapshots live on the machine (hosts see them through their lower layer; see launch.js). */
export const DB_SNAPSHOTS = "/var/cache/rdoctl/openstack/db-snapshots";

/**
 * Copies the schema snapshots a cloud start dumped inside its hosts to the machine, so the next
 * start (any lab) loads them instead of running the slow schema syncs. Safe to call any time.
 */
export function keepDbSnapshots(lab: Lab): void {
  for (const host of lab.hosts) {
    const dir = join(host.rootDir, "var/lib/rdoctl-openstack/db-snapshot");
    let files: string[] = [];
    try { files = readdirSync(dir).filter((f) => /^[0-9a-f]{16}\.sql$/.test(f)); } catch { continue; }
    for (const file of files) {
      const target = join(DB_SNAPSHOTS, file);
      if (existsSync(target)) continue;
      mkdirSync(DB_SNAPSHOTS, { recursive: true, mode: 0o700 });
      const tmp = `${target}.${process.pid}.tmp`;
      copyFileSync(join(dir, file), tmp);
      chmodSync(tmp, 0o600);
      renameSync(tmp, target);
    }
  }
}

export function runLauncher(lab: Lab, host: LabHost, args: string, timeoutMs: number) {
  return lab.run(host, `/usr/bin/node ${HOST_LAUNCHER} ${args}`, { timeoutMs });
}

/** Polls until `check` resolves truthy; throws with the last reason after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<true | string>, timeoutMs = 180_000, intervalMs = 1000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const r = await check();
      if (r === true) return;
      last = r;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > until) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s (${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until every compute host's nova-compute is up and a hypervisor, and every OVN chassis is alive. */
export async function waitForComputes(api: OpenStackApi, computeHosts: string[], chassisHosts: string[], timeoutMs = 180_000): Promise<void> {
  await waitUntil("nova-compute registered", async () => {
    const up = (await api.computeServices()).filter((s) => s.binary === "nova-compute" && s.state === "up").map((s) => s.host);
    const hv = (await api.hypervisors()).map((h) => h.hypervisor_hostname);
    const missing = computeHosts.filter((h) => !up.includes(h) || !hv.includes(h));
    return missing.length === 0 ? true : `waiting for ${missing.join(", ")}`;
  }, timeoutMs);
  if (chassisHosts.length === 0) return;
  await waitUntil("OVN controller agents alive", async () => {
    const alive = (await api.networkAgents()).filter((a) => a.binary === "ovn-controller" && a.alive).map((a) => a.host);
    const missing = chassisHosts.filter((h) => !alive.includes(h));
    return missing.length === 0 ? true : `waiting for ${missing.join(", ")}`;
  }, timeoutMs);
}

export function writeCloudsYaml(dir: string, name: string, c: Credentials): string {
  const file = join(dir, "clouds.yaml");
  const doc = {
    clouds: {
      [name]: {
        auth: { auth_url: c.authUrl, username: c.username, password: c.password, project_name: c.projectName, user_domain_name: "Default", project_domain_name: "Default" },
        region_name: c.region,
        identity_api_version: 3,
        interface: "public",
      },
    },
  };
  writeFileSync(file, YAML.stringify(doc), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

export async function startOpenStackCloud(options: OpenStackCloudOptions = {}): Promise<OpenStackCloud> {
  const started = Date.now();
  const timings: Record<string, number> = {};
  const mark = (stage: string) => (timings[stage] = Math.round((Date.now() - started) / 100) / 10);
  const log = options.log ?? (() => {});
  const release = options.release ?? "2025.1";
  const timeoutMs = options.timeoutMs ?? 900_000;
  const venv = await ensureOpenStackVenv(release, log);
  mark("venv");
  const ownLab = !options.lab;
  const count = options.hosts ?? 1;
  const lab = options.lab ?? (await startLab({ hosts: Array.from({ length: count }, () => ({ delayScale: 0 })), name: "openstack" }));
  const dir = mkdtempSync(join(tmpdir(), "rdoctl-openstack-"));
  try {
    mark("lab");
    const host = lab.hosts[0]!;
    const cloudHosts = lab.hosts.slice(0, count);
    const base = labTopologySpec(lab, "lab-openstack", labRoles(count), { externalNetwork: LAB_EXTERNAL_NETWORK });
    const spec: TopologySpec = {
      ...base,
      release,
      ...options.spec,
      services: { heat: { enabled: true }, ...(options.spec?.services ?? {}) },
    };
    const answerFile = generateAnswers(resolveTopology(spec), { release, secrets: new RandomSecrets() });
    const answers = { ...answerFile.values };
    const hostAnswers = "/root/lab-openstack-answers.txt";
    for (const h of cloudHosts) lab.writeFile(h, hostAnswers, answerFile.text, 0o600);
    writeFileSync(join(dir, "answers.txt"), answerFile.text, { mode: 0o600 });
    const launch = async (h: LabHost, roles: string[]) => {
      if (roles.length === 0) return;
      const r = await runLauncher(lab, h, `start --answers ${hostAnswers} --roles ${roles.join(",")} --venv ${venv}`, timeoutMs);
      for (const line of (r.stdout + r.stderr).split("\n").filter(Boolean)) log(`${h.name}: ${line}`);
      if (r.code !== 0) {
        const error = (r.stdout + r.stderr).split("\n").find((l) => l.startsWith("Error:")) ?? `launcher exited ${r.code}: ${(r.stdout + r.stderr).slice(-500)}`;
        throw new Error(`lab OpenStack did not start on ${h.name}: ${error}`);
      }
    };
    // As Packstack's manifests, but the chassis and computes of different hosts start side by side.
    const rolesOf = (h: LabHost) => launcherRoles(answers, h.address);
    const central = new Set(["mariadb", "amqp", "controller"]);
    await withOpenStackStartLock(async () => {
      mark("lock");
      for (const h of cloudHosts) await launch(h, rolesOf(h).filter((r) => central.has(r)));
      await Promise.all(cloudHosts.map((h) => launch(h, rolesOf(h).filter((r) => !central.has(r)))));
      await launch(lab.hosts.find((h) => h.address === answers.CONFIG_CONTROLLER_HOST)!, ["post"]);
    });
    mark("services");
    const credentials: Credentials = {
      authUrl: `http://${answers.CONFIG_CONTROLLER_HOST}:5000/v3`,
      username: answers.CONFIG_KEYSTONE_ADMIN_USERNAME ?? "admin",
      password: answers.CONFIG_KEYSTONE_ADMIN_PW!,
      projectName: "admin",
      region: answers.CONFIG_KEYSTONE_REGION ?? "RegionOne",
      userDomainName: "Default",
      projectDomainName: "Default",
    };
    const api = new OpenStackApi(credentials);
    await api.login();
    const fqdnsOf = (key: string) => cloudHosts.filter((h) => (answers[key] ?? "").split(",").includes(h.address)).map((h) => h.fqdn);
    const computes = answers.CONFIG_NOVA_INSTALL === "y" ? fqdnsOf("CONFIG_COMPUTE_HOSTS") : [];
    const chassis = answers.CONFIG_NEUTRON_INSTALL === "y" ? [...new Set([...computes, ...fqdnsOf("CONFIG_NETWORK_HOSTS")])] : [];
    await waitForComputes(api, computes, chassis);
    mark("ready");
    keepDbSnapshots(lab);
    const cloudName = "rdoctl-lab";
    const cloudsYaml = writeCloudsYaml(dir, cloudName, credentials);
    await runLauncher(lab, host, "images", 30_000);
    let stopped = false;
    return {
      ...credentials,
      userDomainName: "Default",
      projectDomainName: "Default",
      cloudsYaml,
      cloudName,
      answers,
      answerFile: join(dir, "answers.txt"),
      lab,
      host,
      venv,
      api,
      credentials,
      imageBaseUrl: `http://${host.address}:${LAB_IMAGE_PORT}/`,
      putImage(name, content) {
        if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`image file name ${name} must be a plain file name`);
        mkdirSync(join(host.rootDir, HOST_IMAGE_DIR), { recursive: true });
        writeFileSync(join(host.rootDir, HOST_IMAGE_DIR, name), content);
        return `http://${host.address}:${LAB_IMAGE_PORT}/${name}`;
      },
      timings,
      async stop() {
        if (stopped) return;
        stopped = true;
        await Promise.all(cloudHosts.map((h) => runLauncher(lab, h, "stop", 120_000)));
        if (ownLab) await lab.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (ownLab) await lab.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
