// The rdoctl test lab: N real OpenSSH hosts on this machine, each in its own network, mount, UTS
// and PID namespaces with its own overlay root, looking like CentOS Stream 9 and carrying
// simulated RDO commands. See test/lab/README.md.
import { spawn } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { run, sleep, type CommandResult } from "./exec";
import { installHostTemplate, mountHostDisk, writeHostFile } from "./host-fs";
import { writeHostIdentity, type SelinuxMode, type SimulatedService } from "./host-setup";
import {
  bridgeAddress, createBridge, createHostNetwork, dropPort, hostAddress, nftAvailable, setLink, undropPorts,
} from "./network";
import {
  claimSubnet, killNetnsProcesses, labDir, newLabId, readLabRecord, reapStaleLabs, teardownLab, teardownLabSync,
  writeLabRecord, type LabHostRecord, type LabRecord,
} from "./registry";
import { HOST_PACKSTACK_SHARE, writePackstackShare } from "./packstack-data";
import { generateKeyPair, keyWithoutComment } from "./ssh-keys";

export { isLabSupported, LAB_SKIP_LINE_PREFIX, reportLabSkipped } from "./support";
export type { CommandResult } from "./exec";

const BOOT_SCRIPT = join(__dirname, "host-boot.sh");
const DEFAULT_DOMAIN = "rdoctl-lab.test";

export interface HostOptions {
  /** Short host name. Default: `node<N>` (1-based). */
  name?: string;
  /** DNS domain of the FQDN. Default: "rdoctl-lab.test". */
  domain?: string;
  /** `hostname` at first boot. Default: the FQDN. Use "localhost.localdomain" for a fresh install. */
  hostname?: string;
  /** vmx in /proc/cpuinfo flags. Default: true. */
  cpuVirtualization?: boolean;
  /** MemTotal in /proc/meminfo. Default: 16384 MiB. */
  memoryMiB?: number;
  /** Size of the host's disk (its tmpfs), what `df /` reports. Default: 100 GiB (uses only what is written). */
  diskGiB?: number;
  /** Extra NICs besides eth0 (veth pairs kept inside the host). Default: ["eth1"]. */
  extraInterfaces?: string[];
  /** SELinux mode in /etc/selinux/config and at boot. Default: "enforcing". */
  selinux?: SelinuxMode;
  /** Simulated services enabled (and so active) at boot. Default: firewalld, NetworkManager, chronyd, sshd. */
  enabledServices?: SimulatedService[];
  /** What `chronyc tracking`/`timedatectl` report. Default: true. */
  clockSynchronized?: boolean;
  /** LANG in /etc/locale.conf. Default: "en_US.UTF-8". */
  locale?: string;
  /** Set a root password and allow root password logins. Default: none (key only). */
  rootPassword?: string;
  /** Put every lab host into this host's /etc/hosts (as if DNS worked). Default: true. */
  resolveLabNames?: boolean;
  /** Authorize the lab's client key for root. Default: true. */
  authorizeClientKey?: boolean;
  /**
   * Pace of the simulated commands (dnf, packstack): their realistic durations times this, 0 for
   * instant. Written to /etc/fake-host/delay-scale, changeable at any time. Default: 0.1 (a full
   * Packstack run takes a few seconds).
   */
  delayScale?: number;
}

export interface LabOptions {
  /** Number of default hosts, or one options object per host. */
  hosts: number | HostOptions[];
  /** Label shown by `lab status`. Default: "lab". */
  name?: string;
  /**
   * Keep running after this process exits (for `lab up`); otherwise the lab is torn down at
   * process exit and reaped by the next lab if this process was killed. Default: false.
   */
  persistent?: boolean;
}

export interface LabHost {
  name: string;
  fqdn: string;
  address: string;
  port: 22;
  /** The host's filesystem as this machine sees it (its overlay root); /proc, /run, /dev are not in it. */
  rootDir: string;
  hostKeyFingerprint: string;
  /** "ssh-ed25519 AAAA…" without comment. */
  hostPublicKey: string;
  /** known_hosts line for this host: "fqdn,name,address ssh-ed25519 AAAA…". */
  knownHostsLine: string;
  netns: string;
}

export type HostRef = LabHost | string;

export interface AddUserOptions {
  /** Passwordless sudo (or with password if sudoPassword). Default: false. */
  sudo?: boolean;
  /** Require the user's password for sudo. Default: false (NOPASSWD). */
  sudoNeedsPassword?: boolean;
  /** Login password. Default: none (key only). */
  password?: string;
  /** Authorize the lab client key for this user. Default: true. */
  authorizeClientKey?: boolean;
}

export interface RunInHostOptions {
  input?: string;
  /** Default: 30 000 ms. */
  timeoutMs?: number;
}

export interface Lab {
  id: string;
  name: string;
  hosts: LabHost[];
  /** Address of this machine on the lab bridge (what hosts see as the client). */
  gatewayAddress: string;
  /** Private key (0600) authorized for root on every host. */
  clientKeyFile: string;
  clientPublicKey: string;
  /** known_hosts with every host's current key at start (not updated by rotateHostKey). */
  knownHostsFile: string;
  /**
   * OpenSSH client config with one alias per host (its short name: HostName, User root, the
   * client key, knownHostsFile, StrictHostKeyChecking yes): `ssh -F <file> node1`.
   */
  sshConfigFile: string;
  host(ref: HostRef): LabHost;
  /** Power-off: every process of the host dies at once; its disk (tmpfs) survives. */
  crash(ref: HostRef): Promise<void>;
  /** Power-on (or reboot when running): fresh namespaces, same disk, same host keys; waits for sshd. */
  restart(ref: HostRef): Promise<void>;
  /** Cable pulled: packets to and from the host are dropped silently. */
  linkDown(ref: HostRef): Promise<void>;
  linkUp(ref: HostRef): Promise<void>;
  /**
   * Inbound TCP to port (default 22) silently dropped (nftables), established sessions included;
   * connections see only timeouts. `from`: "everyone" (default) or "machine" — only traffic from
   * this machine (lab.gatewayAddress, where rdoctl runs), so other hosts still reach it.
   */
  dropPort(ref: HostRef, port?: number, from?: "everyone" | "machine"): Promise<void>;
  undropPorts(ref: HostRef): Promise<void>;
  /** New host key (sshd reloaded). knownHostsFile keeps the old one, so clients see a changed key. */
  rotateHostKey(ref: HostRef): Promise<{ oldFingerprint: string; newFingerprint: string }>;
  addUser(ref: HostRef, user: string, options?: AddUserOptions): Promise<void>;
  /** Runs `bash -c command` as root inside the host (all its namespaces, its root). Never throws on exit status. */
  run(ref: HostRef, command: string, options?: RunInHostOptions): Promise<CommandResult>;
  readFile(ref: HostRef, path: string): string;
  writeFile(ref: HostRef, path: string, content: string, mode?: number): void;
  fileExists(ref: HostRef, path: string): boolean;
  /** Tears everything down; idempotent. */
  stop(): Promise<void>;
}

interface HostRuntime {
  record: LabHostRecord;
  host: LabHost;
  /** The `unshare` process (root PID namespace) whose child is the host's PID 1; null when off. */
  unsharePid: number | null;
  /** The host's PID 1 as seen from here. */
  initPid: number | null;
}

const liveLabs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const id of liveLabs) teardownLabSync(id);
  });
}

type ResolvedHostOptions = Required<Omit<HostOptions, "rootPassword">> & { rootPassword?: string };

function resolveHostOptions(options: LabOptions): ResolvedHostOptions[] {
  const list: HostOptions[] =
    typeof options.hosts === "number" ? Array.from({ length: options.hosts }, () => ({})) : options.hosts;
  if (list.length < 1) throw new Error("a lab needs at least one host");
  return list.map((host, index) => {
    const name = host.name ?? `node${index + 1}`;
    // The name becomes part of a namespace name, a path and a DNS label.
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) throw new Error(`lab host name "${name}" must match [a-z][a-z0-9-]{0,30}`);
    const domain = host.domain ?? DEFAULT_DOMAIN;
    return {
      name,
      domain,
      hostname: host.hostname ?? `${name}.${domain}`,
      cpuVirtualization: host.cpuVirtualization ?? true,
      memoryMiB: host.memoryMiB ?? 16384,
      diskGiB: host.diskGiB ?? 100,
      extraInterfaces: host.extraInterfaces ?? ["eth1"],
      selinux: host.selinux ?? "enforcing",
      enabledServices: host.enabledServices ?? ["firewalld", "NetworkManager", "chronyd", "sshd"],
      clockSynchronized: host.clockSynchronized ?? true,
      locale: host.locale ?? "en_US.UTF-8",
      resolveLabNames: host.resolveLabNames ?? true,
      authorizeClientKey: host.authorizeClientKey ?? true,
      delayScale: host.delayScale ?? 0.1,
      rootPassword: host.rootPassword,
    };
  });
}

/** Brings up a lab; on any failure everything created so far is torn down before rethrowing. */
export async function startLab(options: LabOptions): Promise<Lab> {
  const hostOptions = resolveHostOptions(options);
  const names = new Set(hostOptions.map((h) => h.name));
  if (names.size !== hostOptions.length) throw new Error(`lab host names must be unique: ${hostOptions.map((h) => h.name).join(", ")}`);
  await reapStaleLabs();
  const id = newLabId();
  if (existsSync(labDir(id))) await teardownLab(id);
  const record: LabRecord = {
    id,
    ownerPid: options.persistent ? null : process.pid,
    subnet: -1,
    bridge: `${id}b`,
    bridgeAddress: "",
    hosts: [],
    createdAt: new Date().toISOString(),
  };
  writeLabRecord(record);
  if (!options.persistent) {
    installExitHook();
    liveLabs.add(id);
  }
  try {
    record.subnet = claimSubnet(id);
    record.bridgeAddress = bridgeAddress(record.subnet);
    record.hosts = hostOptions.map((h, index) => ({
      name: h.name,
      fqdn: `${h.name}.${h.domain}`,
      address: hostAddress(record.subnet, index + 1),
      netns: `${id}-${h.name}`,
      veth: `${id}v${index + 1}`,
      hostDir: join(labDir(id), "hosts", h.name),
    }));
    writeLabRecord(record);
    return await buildLab(record, hostOptions, options.name ?? "lab");
  } catch (error) {
    liveLabs.delete(id);
    await teardownLab(id);
    throw error;
  }
}

async function buildLab(
  record: LabRecord,
  hostOptions: ResolvedHostOptions[],
  name: string,
): Promise<Lab> {
  const dir = labDir(record.id);
  mkdirSync(join(dir, "client"), { recursive: true, mode: 0o700 });
  const client = await generateKeyPair(join(dir, "client", "id_ed25519"), `rdoctl-lab-${record.id}`);
  writeFileSync(join(dir, "name"), `${name}\n`);
  await createBridge(record.bridge, record.subnet);
  writePackstackShare(join(dir, "share", "fake-packstack"));

  const allHostsEntries = record.hosts.map((h) => `${h.address.padEnd(14)} ${h.fqdn} ${h.name}`);
  const runtimes: HostRuntime[] = [];
  // Hosts are independent; building them concurrently halves start-up time on two cores. All
  // builds settle before a failure is reported, so the teardown that follows never races a host
  // that is still mounting or booting.
  const builds = await Promise.allSettled(
    record.hosts.map(async (hostRecord, index) => {
      const opts = hostOptions[index]!;
      await createHostNetwork({
        netns: hostRecord.netns,
        veth: hostRecord.veth,
        bridge: record.bridge,
        octet: record.subnet,
        address: hostRecord.address,
        extraInterfaces: opts.extraInterfaces,
      });
      const root = await mountHostDisk({ hostDir: hostRecord.hostDir, diskGiB: opts.diskGiB });
      installHostTemplate(root);
      mkdirSync(join(root, HOST_PACKSTACK_SHARE), { recursive: true });
      writeHostIdentity(root, {
        name: hostRecord.name,
        fqdn: hostRecord.fqdn,
        address: hostRecord.address,
        hostname: opts.hostname,
        hostsEntries: opts.resolveLabNames ? allHostsEntries : [`${hostRecord.address.padEnd(14)} ${hostRecord.fqdn} ${hostRecord.name}`],
        cpuVirtualization: opts.cpuVirtualization,
        memoryMiB: opts.memoryMiB,
        selinux: opts.selinux,
        enabledServices: opts.enabledServices,
        clockSynchronized: opts.clockSynchronized,
        locale: opts.locale,
        authorizedKeys: opts.authorizeClientKey ? [client.publicKey] : [],
        rootPasswordLogin: opts.rootPassword !== undefined,
        delayScale: opts.delayScale,
      });
      chmodSync(join(root, "root/.ssh"), 0o700);
      const hostKey = await generateKeyPair(join(root, "etc/ssh/ssh_host_ed25519_key"), `root@${hostRecord.fqdn}`);
      const publicKey = keyWithoutComment(hostKey.publicKey);
      runtimes[index] = {
        record: hostRecord,
        unsharePid: null,
        initPid: null,
        host: {
          name: hostRecord.name,
          fqdn: hostRecord.fqdn,
          address: hostRecord.address,
          port: 22,
          rootDir: root,
          hostKeyFingerprint: hostKey.fingerprint,
          hostPublicKey: publicKey,
          knownHostsLine: `${hostRecord.fqdn},${hostRecord.name},${hostRecord.address} ${publicKey}`,
          netns: hostRecord.netns,
        },
      };
      await bootHost(runtimes[index]!);
      if (opts.rootPassword !== undefined) {
        await runInHost(runtimes[index]!, "chpasswd", { input: `root:${opts.rootPassword}\n` });
      }
    }),
  );

  const failed = builds.find((b): b is PromiseRejectedResult => b.status === "rejected");
  if (failed) throw failed.reason;

  const knownHostsFile = join(dir, "client", "known_hosts");
  writeFileSync(knownHostsFile, `${runtimes.map((r) => r.host.knownHostsLine).join("\n")}\n`, { mode: 0o600 });
  const sshConfigFile = join(dir, "client", "ssh_config");
  writeFileSync(sshConfigFile, sshConfig(runtimes.map((r) => r.host), client.privateKeyFile, knownHostsFile), { mode: 0o600 });
  writeFileSync(join(dir, "hosts.json"), JSON.stringify(runtimes.map((r) => r.host), null, 2));
  return makeLabHandle(record, name, runtimes, { clientKeyFile: client.privateKeyFile, clientPublicKey: client.publicKey, knownHostsFile, sshConfigFile });
}

function sshConfig(hosts: LabHost[], identityFile: string, knownHostsFile: string): string {
  return hosts
    .map((host) =>
      [
        `Host ${host.name}`,
        `    HostName ${host.address}`,
        "    User root",
        `    IdentityFile ${identityFile}`,
        "    IdentitiesOnly yes",
        `    UserKnownHostsFile ${knownHostsFile}`,
        "    StrictHostKeyChecking yes",
        "",
      ].join("\n"),
    )
    .join("\n");
}

async function bootHost(runtime: HostRuntime): Promise<void> {
  const { record, host } = runtime;
  const log = openSync(join(record.hostDir, "boot.log"), "a");
  const child = spawn(
    "nsenter",
    [`--net=/run/netns/${record.netns}`, "unshare", "--mount", "--uts", "--pid", "--fork", "--propagation", "private",
     "--", "/bin/bash", BOOT_SCRIPT, host.rootDir, shareDir(record.hostDir)],
    { detached: true, stdio: ["ignore", log, log] },
  );
  closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start host ${host.name}: nsenter did not spawn`);
  runtime.unsharePid = child.pid;
  runtime.initPid = null;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    runtime.initPid ??= childOf(child.pid);
    if (runtime.initPid !== null && (await portOpen(host.address, 22))) return;
    if (child.exitCode !== null) break;
    await sleep(25);
  }
  const bootLog = readFileSafe(join(record.hostDir, "boot.log"));
  const sshdLog = readFileSafe(join(host.rootDir, "var/log/sshd.log"));
  throw new Error(
    `lab host ${host.name} (${host.address}) did not start sshd within 15 s\nboot.log:\n${bootLog}\nsshd.log:\n${sshdLog}`,
  );
}

/** The lab's shared read-only directory (Packstack release data), next to the hosts' dirs. */
function shareDir(hostDir: string): string {
  return join(hostDir, "..", "..", "share", "fake-packstack");
}

function childOf(pid: number): number | null {
  const children = readFileSafe(`/proc/${pid}/task/${pid}/children`).trim();
  const first = Number(children.split(" ")[0]);
  return Number.isInteger(first) && first > 0 ? first : null;
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Whether a TCP connect to address:port succeeds within half a second (sshd up, for boot and `lab status`). */
export function portOpen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function runInHost(runtime: HostRuntime, command: string, options: RunInHostOptions = {}): Promise<CommandResult> {
  if (runtime.initPid === null) throw new Error(`lab host ${runtime.host.name} is powered off (crashed); restart() it first`);
  return run(
    ["nsenter", "-t", String(runtime.initPid), "-m", "-u", "-p", "-n", "-r", "-w",
     "/usr/bin/env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
     "LANG=C.UTF-8", "USER=root", "LOGNAME=root", "/bin/bash", "-c", command],
    { input: options.input, timeoutMs: options.timeoutMs ?? 30_000, allowFailure: true },
  );
}

async function powerOff(runtime: HostRuntime): Promise<void> {
  await killNetnsProcesses(runtime.record.netns);
  runtime.unsharePid = null;
  runtime.initPid = null;
}

function makeLabHandle(
  record: LabRecord,
  name: string,
  runtimes: HostRuntime[],
  files: { clientKeyFile: string; clientPublicKey: string; knownHostsFile: string; sshConfigFile: string },
): Lab {
  const { clientKeyFile, clientPublicKey, knownHostsFile, sshConfigFile } = files;
  const byRef = (ref: HostRef): HostRuntime => {
    const wanted = typeof ref === "string" ? ref : ref.name;
    const found = runtimes.find((r) => r.host.name === wanted || r.host.fqdn === wanted || r.host.address === wanted);
    if (!found) throw new Error(`no lab host "${wanted}" (hosts: ${runtimes.map((r) => r.host.name).join(", ")})`);
    return found;
  };
  let stopped = false;
  const lab: Lab = {
    id: record.id,
    name,
    hosts: runtimes.map((r) => r.host),
    gatewayAddress: record.bridgeAddress,
    clientKeyFile,
    clientPublicKey,
    knownHostsFile,
    sshConfigFile,
    host: (ref) => byRef(ref).host,
    crash: async (ref) => powerOff(byRef(ref)),
    restart: async (ref) => {
      const runtime = byRef(ref);
      await powerOff(runtime);
      await bootHost(runtime);
    },
    linkDown: async (ref) => setLink(byRef(ref).record.veth, false),
    linkUp: async (ref) => setLink(byRef(ref).record.veth, true),
    dropPort: async (ref, port = 22, from = "everyone") => {
      if (!(await nftAvailable())) throw new Error("dropPort needs nft (apt-get install nftables); use linkDown instead");
      await dropPort(byRef(ref).record.netns, port, from === "machine" ? record.bridgeAddress : undefined);
    },
    undropPorts: async (ref) => undropPorts(byRef(ref).record.netns),
    rotateHostKey: async (ref) => {
      const runtime = byRef(ref);
      const oldFingerprint = runtime.host.hostKeyFingerprint;
      const key = await generateKeyPair(join(runtime.host.rootDir, "etc/ssh/ssh_host_ed25519_key"), `root@${runtime.host.fqdn}`);
      runtime.host.hostPublicKey = keyWithoutComment(key.publicKey);
      runtime.host.hostKeyFingerprint = key.fingerprint;
      runtime.host.knownHostsLine = `${runtime.host.fqdn},${runtime.host.name},${runtime.host.address} ${runtime.host.hostPublicKey}`;
      // SIGHUP makes sshd re-exec and load the new key; existing sessions are untouched.
      const hup = await runInHost(runtime, "kill -HUP \"$(cat /run/sshd.pid)\"");
      if (hup.code !== 0) throw new Error(`could not reload sshd on ${runtime.host.name}: ${hup.stderr}`);
      await sleep(100);
      return { oldFingerprint, newFingerprint: runtime.host.hostKeyFingerprint };
    },
    addUser: async (ref, user, options = {}) => {
      const runtime = byRef(ref);
      if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(user)) throw new Error(`invalid user name "${user}"`);
      const steps = [`useradd -m -s /bin/bash ${user}`];
      // Without a password the account must not be "locked" ("!"), or sshd refuses even keys.
      if (options.password === undefined) steps.push(`usermod -p '*' ${user}`);
      if (options.sudo) {
        const rule = `${user} ALL=(ALL) ${options.sudoNeedsPassword ? "" : "NOPASSWD: "}ALL`;
        steps.push(`mkdir -p /etc/sudoers.d && echo '${rule}' > /etc/sudoers.d/${user} && chmod 0440 /etc/sudoers.d/${user}`);
      }
      if (options.authorizeClientKey ?? true) {
        steps.push(
          `install -d -m 0700 -o ${user} -g ${user} /home/${user}/.ssh`,
          `echo '${clientPublicKey}' > /home/${user}/.ssh/authorized_keys`,
          `chown ${user}:${user} /home/${user}/.ssh/authorized_keys && chmod 0600 /home/${user}/.ssh/authorized_keys`,
        );
      }
      const result = await runInHost(runtime, steps.join(" && "));
      if (result.code !== 0) throw new Error(`addUser ${user} on ${runtime.host.name} failed: ${result.stderr.trim()}`);
      if (options.password !== undefined) {
        const pw = await runInHost(runtime, "chpasswd", { input: `${user}:${options.password}\n` });
        if (pw.code !== 0) throw new Error(`setting the password of ${user} on ${runtime.host.name} failed: ${pw.stderr.trim()}`);
      }
    },
    run: (ref, command, options) => runInHost(byRef(ref), command, options),
    readFile: (ref, path) => readFileSync(join(byRef(ref).host.rootDir, path), "utf8"),
    writeFile: (ref, path, content, mode = 0o644) => writeHostFile(byRef(ref).host.rootDir, path.replace(/^\/+/, ""), content, mode),
    fileExists: (ref, path) => existsSync(join(byRef(ref).host.rootDir, path)),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await teardownLab(record.id);
      liveLabs.delete(record.id);
    },
  };
  return lab;
}

/** Tears down a lab by id (for `lab down`); true when it existed. */
export async function stopLabById(id: string): Promise<boolean> {
  const existed = readLabRecord(id) !== undefined || existsSync(labDir(id));
  await teardownLab(id);
  return existed;
}

export { listLabRecords } from "./registry";
