import { isIP } from "node:net";
import type { Host, Role, Topology } from "../../topology/model";
import requirements from "../data/requirements.json";
import type { CheckFinding } from "../events";

/** What preflight reads from a host (nothing is changed to get it). */
export interface HostFacts {
  readonly osRelease: Readonly<Record<string, string>>;
  /** Lines of /proc/cpuinfo with vmx or svm. */
  readonly virtFlags: number;
  readonly memTotalMiB: number | undefined;
  readonly varFreeGiB: number | undefined;
  /** Interface names from `ip -o link`. */
  readonly links: readonly string[];
  /** Addresses with prefix from `ip -o addr`, e.g. `10.0.0.11/24`. */
  readonly addresses: readonly string[];
  /** Name → addresses it resolves to on the host (empty: does not resolve). */
  readonly resolved: Readonly<Record<string, readonly string[]>>;
  /** The host's clock, seconds since the epoch, when the facts were read. */
  readonly epochSeconds: number | undefined;
  /** From chronyc/timedatectl. */
  readonly clockSync: "yes" | "no" | "unknown";
  /** Required command → its path on root's PATH ("" when missing); absent when not read. */
  readonly commands: Readonly<Record<string, string>>;
}

/** Commands a host must have, with why (data/requirements.json). */
function requiredCommands(): Array<[string, string]> {
  return Object.entries(requirements.commands).filter(([name]) => !name.startsWith("$"));
}

/** The one read-only script that gathers {@link HostFacts}; sections start with `@@`. */
export function factsScript(namesToResolve: readonly string[]): string {
  const names = namesToResolve.map((n) => `'${n.replace(/'/g, "")}'`).join(" ");
  return [
    "echo @@os; cat /etc/os-release 2>/dev/null",
    "echo @@virt; grep -c -E -w 'vmx|svm' /proc/cpuinfo 2>/dev/null || true",
    "echo @@mem; grep '^MemTotal:' /proc/meminfo 2>/dev/null",
    "echo @@disk; df -Pk /var 2>/dev/null | tail -n 1",
    "echo @@links; ip -o link show 2>/dev/null",
    "echo @@addrs; ip -o addr show 2>/dev/null",
    `echo @@resolve; for n in ${names}; do printf '%s ' "$n"; getent ahosts "$n" 2>/dev/null | awk '{print $1}' | sort -u | tr '\\n' ' '; echo; done`,
    "echo @@clock; date +%s; if command -v chronyc >/dev/null 2>&1 && chronyc tracking >/dev/null 2>&1; then chronyc tracking | grep -i '^Leap status'; elif command -v timedatectl >/dev/null 2>&1; then echo \"NTPSynchronized=$(timedatectl show -p NTPSynchronized --value 2>/dev/null)\"; else echo unknown; fi",
    `echo @@commands; for c in ${requiredCommands().map(([c]) => c).join(" ")}; do printf '%s %s\\n' "$c" "$(command -v "$c" 2>/dev/null)"; done`,
    "echo @@end",
  ].join("\n");
}

export function parseFacts(output: string): HostFacts {
  const sections = new Map<string, string[]>();
  let current = "";
  for (const line of output.split("\n")) {
    const m = /^@@(\w+)$/.exec(line.trim());
    if (m && m[1]) {
      current = m[1];
      sections.set(current, []);
    } else if (current) sections.get(current)!.push(line);
  }
  const get = (name: string) => (sections.get(name) ?? []).filter((l) => l.trim() !== "");
  const osRelease: Record<string, string> = {};
  for (const line of get("os")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m && m[1]) osRelease[m[1]] = (m[2] ?? "").replace(/^"(.*)"$/, "$1");
  }
  const mem = /MemTotal:\s+(\d+)\s*kB/.exec(get("mem").join(" "));
  const diskFields = (get("disk")[0] ?? "").trim().split(/\s+/);
  const avail = Number(diskFields[3]);
  const links = get("links")
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => Boolean(n));
  const addresses = get("addrs")
    .map((l) => /\sinet6?\s+(\S+)/.exec(l)?.[1])
    .filter((a): a is string => Boolean(a));
  const resolved: Record<string, string[]> = {};
  for (const line of get("resolve")) {
    const [name, ...addrs] = line.trim().split(/\s+/);
    if (name) resolved[name] = addrs.filter(Boolean);
  }
  const clock = get("clock");
  const epoch = Number(clock[0]);
  const syncLine = clock.slice(1).join(" ");
  const clockSync = /Leap status\s*:\s*Normal|NTPSynchronized=yes/i.test(syncLine)
    ? "yes"
    : /Leap status\s*:\s*Not synchronised|NTPSynchronized=no/i.test(syncLine)
      ? "no"
      : "unknown";
  const commands: Record<string, string> = {};
  for (const line of get("commands")) {
    const [name, where] = line.trim().split(/\s+/);
    if (name) commands[name] = where ?? "";
  }
  return {
    commands,
    osRelease,
    virtFlags: Number(get("virt")[0] ?? 0) || 0,
    memTotalMiB: mem ? Math.floor(Number(mem[1]) / 1024) : undefined,
    varFreeGiB: Number.isFinite(avail) ? Math.floor((avail / 1024 / 1024) * 10) / 10 : undefined,
    links,
    addresses,
    resolved,
    epochSeconds: Number.isFinite(epoch) && epoch > 0 ? epoch : undefined,
    clockSync,
  };
}

/** Names every host must resolve: host addresses given as names (Packstack connects to them). */
export function namesToResolve(topology: Topology): string[] {
  const names = new Set<string>();
  for (const h of topology.hosts) {
    if (!isIP(h.address)) names.add(h.address);
    names.add(h.fqdn);
  }
  return [...names];
}

interface Threshold {
  readonly minimum: number;
  readonly recommended: number;
}

function needFor(roles: readonly Role[], table: Record<string, unknown>): Threshold {
  let minimum = 0;
  let recommended = 0;
  for (const r of roles) {
    const t = table[r] as Threshold | undefined;
    if (!t) continue;
    minimum = Math.max(minimum, t.minimum);
    recommended = Math.max(recommended, t.recommended);
  }
  return { minimum, recommended };
}

/**
 * Judges one host's facts. Pure: the same facts always give the same findings.
 * `localEpochSeconds` is rdoctl's own clock when the facts were read.
 */
export function evaluateHost(topology: Topology, host: Host, facts: HostFacts, localEpochSeconds: number): CheckFinding[] {
  const out: CheckFinding[] = [];
  const add = (check: string, level: CheckFinding["level"], message: string, hint?: string) =>
    out.push({ host: host.name, check, level, message, ...(hint ? { hint } : {}) });

  // OS and version
  const supported = (requirements.supportedOs as Record<string, Array<{ id: string; versionId: string; name: string }>>)[topology.release] ?? [];
  const id = facts.osRelease.ID ?? "unknown";
  const version = facts.osRelease.VERSION_ID ?? "?";
  const pretty = facts.osRelease.PRETTY_NAME ?? `${id} ${version}`;
  const major = version.split(".")[0];
  if (supported.some((s) => s.id === id && s.versionId === major)) add("os", "ok", pretty);
  else
    add("os", "error", `${pretty} is not supported by RDO ${topology.release}`, `supported: ${supported.map((s) => s.name).join(", ")}`);

  // Commands rdoctl and Packstack rely on (not judged when the section is missing from the facts)
  if (Object.keys(facts.commands).length > 0) {
    for (const [command, why] of requiredCommands()) {
      if (facts.commands[command]) add("commands", "ok", `${command} at ${facts.commands[command]}`);
      else add("commands", "error", `${command} is not installed (not on root's PATH); ${why}`, `is this a ${supported.map((s) => s.name).join(" or ")} host?`);
    }
  }

  // CPU virtualization on compute hosts
  if (host.roles.includes("compute")) {
    if (facts.virtFlags > 0) add("cpu-virtualization", "ok", "vmx/svm present");
    else if (topology.services.nova.libvirtType === "qemu") add("cpu-virtualization", "ok", "no vmx/svm; nova uses qemu (slow, but works)");
    else
      add(
        "cpu-virtualization",
        "warning",
        "no vmx/svm in /proc/cpuinfo: KVM will not work on this compute host",
        "set services.nova.libvirtType: qemu in the inventory (software emulation), or enable VT-x/AMD-V (nested virtualization for VMs)",
      );
  }

  // Memory and disk
  const mem = needFor(host.roles, requirements.memoryMiB);
  if (facts.memTotalMiB === undefined) add("memory", "warning", "could not read /proc/meminfo");
  else if (facts.memTotalMiB < mem.minimum)
    add("memory", "error", `${facts.memTotalMiB} MiB RAM, roles ${host.roles.join(",")} need at least ${mem.minimum} MiB`);
  else if (facts.memTotalMiB < mem.recommended)
    add("memory", "warning", `${facts.memTotalMiB} MiB RAM, ${mem.recommended} MiB recommended for ${host.roles.join(",")}`);
  else add("memory", "ok", `${facts.memTotalMiB} MiB RAM`);
  const disk = needFor(host.roles, requirements.diskGiB);
  if (facts.varFreeGiB === undefined) add("disk", "warning", "could not read free space on /var");
  else if (facts.varFreeGiB < disk.minimum)
    add("disk", "error", `${facts.varFreeGiB} GiB free on /var, roles ${host.roles.join(",")} need at least ${disk.minimum} GiB`);
  else if (facts.varFreeGiB < disk.recommended)
    add("disk", "warning", `${facts.varFreeGiB} GiB free on /var, ${disk.recommended} GiB recommended`);
  else add("disk", "ok", `${facts.varFreeGiB} GiB free on /var`);

  // Interfaces named by the topology
  const wanted = new Set<string>(host.interfaces.map((i) => i.name));
  const bridgeIfs = Object.values(topology.services.neutron.bridgeInterfaces);
  if (host.roles.includes("network") || host.roles.includes("compute")) bridgeIfs.forEach((i) => wanted.add(i));
  if (topology.externalNetwork?.interface && host.roles.includes("network")) wanted.add(topology.externalNetwork.interface);
  for (const name of wanted) {
    if (facts.links.includes(name)) add("interface", "ok", `${name} present`);
    else add("interface", "error", `interface ${name} is missing (ip -o link shows ${facts.links.join(", ") || "none"})`);
  }
  for (const itf of host.interfaces) {
    if (itf.address && !facts.addresses.includes(itf.address)) {
      add("interface", "error", `address ${itf.address} is not configured on ${itf.name}`);
    }
  }
  if (isIP(host.address) && facts.addresses.length > 0 && !facts.addresses.some((a) => a.split("/")[0] === host.address)) {
    add("address", "warning", `${host.address} is not an address of this host (NAT or a jump host?); Packstack will use it to reach the host`);
  }

  // Name resolution: addresses given as names must resolve; an FQDN resolving elsewhere misleads services.
  for (const h of topology.hosts) {
    const seen = facts.resolved[h.address];
    if (!isIP(h.address) && seen !== undefined && seen.length === 0) {
      add("resolve", "error", `${h.address} (host ${h.name}) does not resolve here`, "add it to DNS or /etc/hosts");
    }
    const fq = facts.resolved[h.fqdn];
    if (fq && fq.length > 0 && isIP(h.address) && !fq.includes(h.address)) {
      add("resolve", "warning", `${h.fqdn} resolves to ${fq.join(", ")}, not ${h.address}; prepare writes /etc/hosts, which takes precedence`);
    }
  }

  // Clock
  if (facts.epochSeconds !== undefined) {
    const skew = Math.abs(facts.epochSeconds - localEpochSeconds);
    if (skew > requirements.maxClockSkewSeconds) {
      add("clock", "error", `clock is ${skew} s off rdoctl's clock (max ${requirements.maxClockSkewSeconds} s)`, "start chronyd (or set ntpServers in the inventory)");
    }
  }
  if (facts.clockSync === "no") add("clock", "warning", "clock is not synchronized (chronyc/timedatectl)", "start chronyd");
  else if (facts.clockSync === "unknown") add("clock", "warning", "cannot tell whether the clock is synchronized (no chronyc/timedatectl)");
  else add("clock", "ok", "synchronized");
  return out;
}
