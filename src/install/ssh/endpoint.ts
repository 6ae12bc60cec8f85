import * as os from "node:os";
import * as path from "node:path";
import type { Host, Topology } from "../../topology/model";
import { RdoctlError } from "../../errors";
import { SshConfig } from "./ssh-config";

/** Everything needed to open one SSH connection, after inventory and ~/.ssh/config are merged. */
export interface Endpoint {
  /** Inventory host name, or the jump spec for a jump host outside the inventory. */
  readonly label: string;
  /** Address the TCP connection goes to (seen from the jump host, when there is one). */
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  /** Private key files to offer, in order (after the agent). */
  readonly keyFiles: readonly string[];
  readonly passwordAuth: boolean;
  /** Fingerprints pinned in the inventory; empty → known_hosts. */
  readonly pinnedHostKeys: readonly string[];
  readonly jump?: Endpoint;
}

/** Key files OpenSSH tries when none is configured. */
export const DEFAULT_KEY_FILES = ["id_ed25519", "id_ecdsa", "id_rsa"];

function expandHome(p: string): string {
  return p.replace(/^~(?=$|\/)/, os.homedir());
}

function defaultKeyFiles(): string[] {
  return DEFAULT_KEY_FILES.map((f) => path.join(os.homedir(), ".ssh", f));
}

/** `[user@]host[:port]` → parts; IPv6 literals go in brackets: `[::1]:2222`. */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m || !m[2]) throw new RdoctlError(`jump host "${spec}" is not [user@]host[:port]`);
  return { user: m[1], host: m[2].replace(/^\[|\]$/g, ""), port: m[3] ? Number(m[3]) : undefined };
}

/** Resolves every host's endpoint: inventory fields, then the host's ~/.ssh/config alias. */
export function resolveEndpoints(topology: Topology, config: SshConfig = SshConfig.load()): Map<string, Endpoint> {
  const byName = new Map(topology.hosts.map((h) => [h.name, h]));
  const resolved = new Map<string, Endpoint>();

  const jumpEndpoint = (spec: string, chain: readonly string[]): Endpoint => {
    // ProxyJump may list several hops: the last one is adjacent to the target.
    const hops = spec.split(",").map((s) => s.trim()).filter(Boolean);
    let previous: Endpoint | undefined;
    for (const hop of hops) {
      const inventoryHost = byName.get(hop);
      let ep: Endpoint;
      if (inventoryHost) {
        ep = forHost(inventoryHost, chain);
      } else {
        const parts = parseJumpSpec(hop);
        const cfg = config.lookup(parts.host);
        const nested = cfg.proxyJump && cfg.proxyJump !== "none" && !previous ? cfg.proxyJump : undefined;
        ep = {
          label: hop,
          hostname: cfg.hostName ?? parts.host,
          port: parts.port ?? cfg.port ?? 22,
          user: parts.user ?? cfg.user ?? os.userInfo().username,
          keyFiles: cfg.identityFiles.length ? cfg.identityFiles : defaultKeyFiles(),
          passwordAuth: false,
          pinnedHostKeys: [],
          jump: nested ? jumpEndpoint(nested, [...chain, hop]) : undefined,
        };
      }
      previous = previous ? { ...ep, jump: previous } : ep;
    }
    if (!previous) throw new RdoctlError(`jump host "${spec}" names no host`);
    return previous;
  };

  const forHost = (host: Host, chain: readonly string[]): Endpoint => {
    const done = resolved.get(host.name);
    if (done) return done;
    if (chain.includes(host.name)) {
      throw new RdoctlError(`jump hosts loop: ${[...chain, host.name].join(" → ")}`);
    }
    const ssh = host.ssh;
    const cfg = ssh.configAlias ? config.lookup(ssh.configAlias) : undefined;
    const keyFiles = [
      ...(ssh.keyFile ? [expandHome(ssh.keyFile)] : []),
      ...(cfg?.identityFiles ?? []),
    ];
    const jumpSpec = ssh.jump ?? (cfg?.proxyJump && cfg.proxyJump !== "none" ? cfg.proxyJump : undefined);
    const ep: Endpoint = {
      label: host.name,
      // An alias is an explicit request: its HostName/User/Port apply over inventory defaults.
      hostname: cfg?.hostName ?? host.address,
      port: cfg?.port ?? ssh.port,
      user: cfg?.user ?? ssh.user,
      keyFiles: keyFiles.length ? keyFiles : defaultKeyFiles(),
      passwordAuth: ssh.passwordAuth,
      pinnedHostKeys: ssh.hostKeys,
      jump: jumpSpec ? jumpEndpoint(jumpSpec, [...chain, host.name]) : undefined,
    };
    resolved.set(host.name, ep);
    return ep;
  };

  for (const host of topology.hosts) forHost(host, []);
  return resolved;
}

/** `user@host:port (via …)`, for messages. */
export function describeEndpoint(ep: Endpoint): string {
  const base = `${ep.user}@${ep.hostname}:${ep.port}`;
  return ep.jump ? `${base} via ${describeEndpoint(ep.jump)}` : base;
}
