import * as fs from "node:fs";
import * as path from "node:path";
import { RdoctlError } from "../errors";
import type { Host, Role, Topology } from "../topology/model";
import type { CloudPaths } from "../workspace";
import { hashInputs, writeFileAtomic, type Journal } from "./journal";

/**
 * Which hosts an installed cloud has, so a changed inventory is read as a scale-out (new
 * compute hosts) or a scale-in (hosts gone), never as a new cloud.
 *
 * Packstack adds compute hosts by a rerun with the existing hosts in `EXCLUDE_SERVERS`
 * (catalog: "helpful if you are running Packstack a second time with the same answer file and
 * do not want Packstack to overwrite these server's configurations"): it then neither connects
 * to them nor applies their manifests. rdoctl does the same, and prepares only the new hosts.
 */

/** One host as the last successful Packstack run installed it. */
export interface MemberHost {
  readonly name: string;
  readonly address: string;
  /** The hostname it was installed under (Nova's name for its compute service). */
  readonly fqdn?: string;
  readonly roles: readonly Role[];
}

/** `<cloud dir>/members.json`: written when a Packstack run succeeds. */
export interface Members {
  readonly version: 1;
  readonly hosts: readonly MemberHost[];
  /** The EXCLUDE_SERVERS that run used (addresses). */
  readonly excluded: readonly string[];
  /** Hash of the answer file without EXCLUDE_SERVERS: tells a pure rerun from a settings change. */
  readonly settingsHash: string;
  readonly at: string;
}

export function membersFile(paths: CloudPaths): string {
  return path.join(paths.dir, "members.json");
}

export function loadMembers(paths: CloudPaths): Members | undefined {
  const file = membersFile(paths);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  let parsed: Members;
  try {
    parsed = JSON.parse(text) as Members;
  } catch (err) {
    throw new RdoctlError(`${file}: not valid JSON (${(err as Error).message}); it lists the installed hosts: restore it, or move it aside only if the cloud was never installed`);
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.hosts)) throw new RdoctlError(`${file}: unknown format (version ${String(parsed.version)})`);
  return parsed;
}

export function saveMembers(paths: CloudPaths, members: Omit<Members, "version" | "at">): void {
  writeFileAtomic(membersFile(paths), JSON.stringify({ version: 1, ...members, at: new Date().toISOString() }, null, 2) + "\n", 0o600);
}

/**
 * Members of a cloud installed before rdoctl kept members.json: the hosts whose prepare step
 * was done when the last Packstack run finished successfully.
 */
function membersFromJournal(topology: Topology, journal: Journal): MemberHost[] | undefined {
  const run = journal.get("run", topology.deployer);
  if (run?.status !== "done" || !run.finishedAt) return undefined;
  return topology.hosts
    .filter((h) => {
      const prepared = journal.get("prepare", h.name);
      return prepared?.status === "done" && (prepared.finishedAt ?? "") <= run.finishedAt!;
    })
    .map(memberOf);
}

function memberOf(h: Host): MemberHost {
  return { name: h.name, address: h.address, fqdn: h.fqdn, roles: [...h.roles] };
}

/** What this install is, against what is installed. */
export interface ScalePlan {
  /** "install": nothing installed yet; "rerun": same hosts; "out": compute hosts added. */
  readonly kind: "install" | "rerun" | "out";
  readonly installed: readonly MemberHost[];
  readonly added: readonly Host[];
  /** Installed hosts the inventory no longer lists (`rdoctl scale in` removes them). */
  readonly removed: readonly MemberHost[];
  /** Addresses for EXCLUDE_SERVERS in this run's answer file. */
  readonly excluded: readonly string[];
  /** The topology the answer file is generated from (EXCLUDE_SERVERS set when excluding). */
  readonly answersTopology: Topology;
}

export function withExcludedServers(topology: Topology, excluded: readonly string[]): Topology {
  if (excluded.length === 0) return topology;
  return { ...topology, packstack: { ...topology.packstack, EXCLUDE_SERVERS: excluded.join(",") } };
}

/**
 * Reads the inventory against the installed hosts. `settingsHash(topology)` hashes the answer
 * file of a topology (without EXCLUDE_SERVERS); it is called only when a cloud is installed.
 * Refuses, naming the host and what to do: a new host with a role other than compute (Packstack
 * would reconfigure the cloud around it), a host whose address changed, and hosts still
 * installed that the inventory dropped (unless `allowRemoved`, for `rdoctl scale in`).
 */
export function planScale(
  topology: Topology,
  installed: readonly MemberHost[] | undefined,
  last: Pick<Members, "excluded" | "settingsHash"> | undefined,
  settingsHash: (t: Topology) => string,
  options: { allowRemoved?: boolean; inventory?: string } = {},
): ScalePlan {
  if (!installed || installed.length === 0) {
    return { kind: "install", installed: [], added: [], removed: [], excluded: [], answersTopology: topology };
  }
  const byName = new Map(installed.map((m) => [m.name, m]));
  const current = new Set(topology.hosts.map((h) => h.name));
  const inventory = options.inventory ?? topology.name;
  for (const h of topology.hosts) {
    const m = byName.get(h.name);
    if (m && m.address !== h.address) {
      throw new RdoctlError(`${inventory}: host ${h.name} is installed at ${m.address}, the inventory says ${h.address}; an installed host cannot move (remove it with \`rdoctl scale in\`, then add it under a new name)`);
    }
  }
  const added = topology.hosts.filter((h) => !byName.has(h.name));
  const removed = installed.filter((m) => !current.has(m.name));
  const notCompute = added.filter((h) => h.roles.some((r) => r !== "compute"));
  if (notCompute.length) {
    throw new RdoctlError(
      `${inventory}: ${notCompute.map((h) => `${h.name} (roles ${h.roles.join(", ")})`).join(", ")} ${notCompute.length === 1 ? "is" : "are"} new to the installed cloud ${topology.name}; only hosts with the compute role alone can be added to an installed cloud (Packstack reruns with the installed hosts in EXCLUDE_SERVERS)`,
    );
  }
  if (removed.length && !options.allowRemoved) {
    throw new RdoctlError(
      `${inventory}: ${removed.map((m) => m.name).join(", ")} ${removed.length === 1 ? "is" : "are"} installed in cloud ${topology.name} but no longer in the inventory; run \`rdoctl scale in ${inventory}\` first (it removes their compute services), or put them back`,
    );
  }
  const kept = installed.filter((m) => current.has(m.name));
  if (added.length) {
    const excluded = kept.map((m) => m.address);
    return { kind: "out", installed, added, removed, excluded, answersTopology: withExcludedServers(topology, excluded) };
  }
  // Same hosts: keep the last run's exclusions while the settings are unchanged (the answer file
  // stays byte for byte the same, so nothing reruns); after a settings change Packstack must
  // reach every host.
  const sameSettings = last !== undefined && last.settingsHash === settingsHash(topology);
  const excluded = sameSettings ? last.excluded.filter((a) => kept.some((m) => m.address === a)) : [];
  return { kind: "rerun", installed, added: [], removed, excluded, answersTopology: withExcludedServers(topology, excluded) };
}

/** planScale from the cloud's state on disk (members.json, else the journal). */
export function planScaleFromState(
  topology: Topology,
  paths: CloudPaths,
  journal: Journal,
  settingsHash: (t: Topology) => string,
  options: { allowRemoved?: boolean; inventory?: string } = {},
): ScalePlan & { readonly members?: Members } {
  const members = loadMembers(paths);
  const installed = members?.hosts ?? membersFromJournal(topology, journal);
  return { ...planScale(topology, installed, members, settingsHash, options), members };
}

/** Records the hosts a successful Packstack run left installed. */
export function recordMembers(paths: CloudPaths, topology: Topology, plan: Pick<ScalePlan, "excluded">, settingsHash: string): void {
  saveMembers(paths, { hosts: topology.hosts.map(memberOf), excluded: [...plan.excluded], settingsHash });
}

/** What a scale plan means, for one info line. */
export function describeScale(plan: ScalePlan): string | undefined {
  if (plan.kind === "out") {
    return `scale-out: new host(s) ${plan.added.map((h) => h.name).join(", ")} are prepared and installed; Packstack leaves the installed hosts alone (EXCLUDE_SERVERS=${plan.excluded.join(",")})`;
  }
  if (plan.kind === "rerun" && plan.excluded.length) return `rerun of the last scale-out: EXCLUDE_SERVERS=${plan.excluded.join(",")} kept (settings unchanged)`;
  return undefined;
}

/**
 * Packstack cannot change an excluded host's firewall, so the installed hosts accept tunnel
 * traffic (Geneve/VXLAN) only from peers they knew, unless the answer file names tunnel subnets
 * (the catalog's advice for EXCLUDE_SERVERS). Undefined when the answer file has them or uses no tunnels.
 */
export function tunnelSubnetsWarning(plan: ScalePlan, answerText: string): string | undefined {
  if (plan.kind !== "out") return undefined;
  const value = (key: string): string => new RegExp(`^${key}=(.*)$`, "m").exec(answerText)?.[1]?.trim() ?? "";
  const agent = value("CONFIG_NEUTRON_L2_AGENT");
  const key = agent === "ovn" ? "CONFIG_NEUTRON_OVN_TUNNEL_SUBNETS" : agent === "openvswitch" ? "CONFIG_NEUTRON_OVS_TUNNEL_SUBNETS" : undefined;
  const tunnels = /geneve|vxlan|gre/.test(value("CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES"));
  if (!key || !tunnels || value(key) !== "") return undefined;
  return `the installed hosts are excluded, so Packstack cannot open their firewalls to tunnel traffic from the new hosts; unless their rules already allow it, set packstack.${key} to the hosts' subnet (a settings change: the next install reaches every host) before scaling out`;
}

export const hashText = (text: string): string => hashInputs(text);
