// Where labs keep their state on this machine, how they get unique names and subnets, and how a
// lab is torn down from its name alone — so a crashed test run or `lab down` can always clean up.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, runSyncQuiet, sleep } from "./exec";

/** Root of all lab state. Default: /run/rdoctl-lab (override with $RDOCTL_LAB_DIR). */
export function labStateRoot(): string {
  return process.env.RDOCTL_LAB_DIR ?? "/run/rdoctl-lab";
}

export interface LabHostRecord {
  name: string;
  fqdn: string;
  address: string;
  netns: string;
  /** Root-namespace end of the host's veth pair (its "cable"). */
  veth: string;
  hostDir: string;
}

export interface LabRecord {
  id: string;
  /** Process that owns the lab; null for a lab started by `lab up` that outlives its starter. */
  ownerPid: number | null;
  /** Third octet of 127.42.X.0/24. */
  subnet: number;
  bridge: string;
  bridgeAddress: string;
  hosts: LabHostRecord[];
  createdAt: string;
}

let labCounter = 0;

/**
 * A lab id short enough that "<id>v<NN>" fits Linux's 15-character interface names, unique per
 * process (pid) and per lab within the process (counter).
 */
export function newLabId(): string {
  labCounter += 1;
  return `rl${process.pid.toString(36)}${labCounter.toString(36)}`;
}

export function labDir(id: string): string {
  return join(labStateRoot(), id);
}

export function writeLabRecord(record: LabRecord): void {
  mkdirSync(labDir(record.id), { recursive: true });
  // Written whole then renamed: a reaper in another process never reads half a record.
  const file = join(labDir(record.id), "lab.json");
  writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function readLabRecord(id: string): LabRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(labDir(id), "lab.json"), "utf8")) as LabRecord;
  } catch {
    return undefined;
  }
}

export function listLabRecords(): LabRecord[] {
  if (!existsSync(labStateRoot())) return [];
  return readdirSync(labStateRoot())
    .filter((name) => name.startsWith("rl"))
    .map((id) => readLabRecord(id) ?? emptyRecord(id));
}

/** A directory without a record: a lab being created (young) or the remains of a crash (old). */
function emptyRecord(id: string): LabRecord {
  let ageMs = Infinity;
  try {
    ageMs = Date.now() - statSync(labDir(id)).mtimeMs;
  } catch {
    // gone meanwhile
  }
  return { id, ownerPid: ageMs > 60_000 ? -1 : process.pid, subnet: -1, bridge: `${id}b`, bridgeAddress: "", hosts: [], createdAt: "" };
}

/** Alive means running: a zombie (killed, not yet reaped by its parent) owns nothing any more. */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** A lab whose owning process is gone (a killed vitest worker): safe to tear down. */
export function isStale(record: LabRecord): boolean {
  if (record.ownerPid === null) return false;
  if (record.ownerPid === -1) return true;
  return !processAlive(record.ownerPid);
}

/**
 * Claims a free 127.42.X.0/24 for a lab. mkdir is atomic, so parallel test files never get the
 * same subnet; a claim whose lab no longer exists is taken over.
 */
export function claimSubnet(id: string): number {
  const dir = join(labStateRoot(), "subnets");
  mkdirSync(dir, { recursive: true });
  for (let octet = 0; octet < 255; octet += 1) {
    const claim = join(dir, String(octet));
    try {
      mkdirSync(claim);
    } catch {
      let owner = "";
      try {
        owner = readFileSync(join(claim, "owner"), "utf8").trim();
      } catch {
        continue; // another process is between mkdir and writing its owner file
      }
      if (owner && existsSync(labDir(owner))) continue;
      rmSync(claim, { recursive: true, force: true });
      try {
        mkdirSync(claim);
      } catch {
        continue;
      }
    }
    writeFileSync(join(claim, "owner"), id);
    return octet;
  }
  throw new Error(`no free lab subnet under 127.42.0.0/16 (claims in ${dir})`);
}

function releaseSubnet(id: string, octet: number): void {
  const claim = join(labStateRoot(), "subnets", String(octet));
  try {
    if (readFileSync(join(claim, "owner"), "utf8").trim() === id) rmSync(claim, { recursive: true, force: true });
  } catch {
    // already released
  }
}

/** Mount points at or below `dir` in this (the root) mount namespace, deepest first. */
export function mountsUnder(dir: string): string[] {
  const mountinfo = readFileSync("/proc/self/mountinfo", "utf8");
  const points = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Network namespaces whose name starts with the lab id. */
export async function labNetnsNames(id: string): Promise<string[]> {
  const { stdout } = await run(["ip", "netns", "list"], { allowFailure: true });
  return stdout
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.startsWith(`${id}-`));
}

/** Links in the root namespace belonging to the lab (its bridge and veth ends). */
export async function labLinkNames(id: string): Promise<string[]> {
  const { stdout } = await run(["ip", "-o", "link", "show"], { allowFailure: true });
  return stdout
    .split("\n")
    .map((line) => (line.split(": ")[1] ?? "").split("@")[0] ?? "")
    .filter((name) => name.startsWith(id) && /^[a-z0-9]+$/.test(name) && name.length > id.length);
}

/** Pids of every process living in a network namespace (the host's whole process tree). */
export async function netnsPids(netns: string): Promise<number[]> {
  const { stdout } = await run(["ip", "netns", "pids", netns], { allowFailure: true });
  return stdout
    .split("\n")
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** Kills every process in the namespace and waits until they are gone (max ~3 s). */
export async function killNetnsProcesses(netns: string): Promise<void> {
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const pids = await netnsPids(netns);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await sleep(20);
  }
}

/**
 * Tears a lab down by convention (names derived from its id), so it works from a partial
 * record: processes, namespaces, links, mounts, state directory, subnet claim. Idempotent.
 */
export async function teardownLab(id: string): Promise<void> {
  const record = readLabRecord(id);
  const namespaces = await labNetnsNames(id);
  await Promise.all(namespaces.map((netns) => killNetnsProcesses(netns)));
  await Promise.all(namespaces.map((netns) => run(["ip", "netns", "delete", netns], { allowFailure: true })));
  for (const link of await labLinkNames(id)) await run(["ip", "link", "delete", link], { allowFailure: true });
  for (const point of mountsUnder(labDir(id))) {
    const result = await run(["umount", point], { allowFailure: true });
    if (result.code !== 0) await run(["umount", "-l", point], { allowFailure: true });
  }
  rmSync(labDir(id), { recursive: true, force: true });
  if (record && record.subnet >= 0) releaseSubnet(id, record.subnet);
  else releaseAllClaimsOf(id);
}

function releaseAllClaimsOf(id: string): void {
  const dir = join(labStateRoot(), "subnets");
  if (!existsSync(dir)) return;
  for (const octet of readdirSync(dir)) releaseSubnet(id, Number(octet));
}

/** Synchronous teardown for process exit: the same steps, best effort, no awaiting. */
export function teardownLabSync(id: string): void {
  const record = readLabRecord(id);
  for (const host of record?.hosts ?? []) {
    runSyncQuiet(["ip", "netns", "pids", host.netns]);
    runSyncQuiet(["sh", "-c", `ip netns pids ${host.netns} | xargs -r kill -9`]);
  }
  runSyncQuiet(["sleep", "0.2"]);
  for (const host of record?.hosts ?? []) runSyncQuiet(["ip", "netns", "delete", host.netns]);
  if (record) runSyncQuiet(["ip", "link", "delete", record.bridge]);
  for (const point of mountsUnder(labDir(id))) {
    if (!runSyncQuiet(["umount", point])) runSyncQuiet(["umount", "-l", point]);
  }
  rmSync(labDir(id), { recursive: true, force: true });
  if (record && record.subnet >= 0) releaseSubnet(id, record.subnet);
}

/** Tears down labs left behind by processes that died without cleaning up. */
export async function reapStaleLabs(): Promise<string[]> {
  const reaped: string[] = [];
  for (const record of listLabRecords()) {
    if (!isStale(record)) continue;
    await teardownLab(record.id);
    reaped.push(record.id);
  }
  return reaped;
}
