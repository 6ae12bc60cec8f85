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
  /** known_hosts name to check the key under instead of hostname (HostKeyAlias). */
  readonly hostKeyAlias?: string;
  readonly jump?: Endpoint;
  /** A command whose stdin/stdout carry the connection (ProxyCommand, tokens expanded). */
  readonly proxyCommand?: string;
}

/** Key files OpenSSH tries when none is configured. */
export const DEFAULT_KEY_FILES = ["id_ed25519", "id_ecdsa", "id_rsa"];

function expandHome(p: string): string {
  return p.replace(/^~(?=$|\/)/, os.homedir());
}

function defaultKeyFiles(): string[] {
  return DEFAULT_KEY_FILES.map((f) => path.join(os.homedir(), ".ssh", f));
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]` → parts; IPv6 literals go in brackets: `[::1]:2222`. */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim().replace(/^ssh:\/\//, ""));
  if (!m || !m[2]) throw new RdoctlError(`jump host "${spec}" is not [user@]host[:port]`);
  return { user: m[1], host: m[2].replace(/^\[|\]$/g, ""), port: m[3] ? Number(m[3]) : undefined };
}

/**
 * Resolves every host's endpoint from the inventory. A host with `ssh.configAlias` goes where
 * `ssh ALIAS` would (`ssh -G ALIAS`: HostName, Port, IdentityFile, ProxyJump, ProxyCommand,
 * HostKeyAlias; User unless it is only OpenSSH's default, the login name). Jump hosts outside
 * the inventory get their own `ssh -G`, as OpenSSH gives them.
 */
export function resolveEndpoints(topology: Topology, config: SshConfig = SshConfig.load()): Map<string, Endpoint> {
  const byName = new Map(topology.hosts.map((h) => [h.name, h]));
  const resolved = new Map<string, Endpoint>();
  const localUser = os.userInfo().username;

  const jumpEndpoint = (spec: string, chain: readonly string[], where: string): Endpoint => {
    // ProxyJump may list several hops: the last one is adjacent to the target. Only the first
    // hop's own ProxyJump/ProxyCommand applies (OpenSSH passes the rest to it with -J).
    const hops = spec.split(",").map((s) => s.trim()).filter(Boolean);
    let previous: Endpoint | undefined;
    for (const hop of hops) {
      const inventoryHost = byName.get(hop);
      let ep: Endpoint;
      if (inventoryHost) {
        ep = forHost(inventoryHost, chain);
      } else {
        const parts = parseJumpSpec(hop);
        const cfg = config.lookup(parts.host, { user: parts.user, port: parts.port, where });
        const nested = cfg?.proxyJump && !previous ? cfg.proxyJump : undefined;
        ep = {
          label: hop,
          hostname: cfg?.hostName ?? parts.host,
          port: cfg?.port ?? parts.port ?? 22,
          user: cfg?.user ?? parts.user ?? localUser,
          keyFiles: cfg?.identityFiles.length ? cfg.identityFiles : defaultKeyFiles(),
          passwordAuth: false,
          pinnedHostKeys: [],
          ...(cfg?.hostKeyAlias ? { hostKeyAlias: cfg.hostKeyAlias } : {}),
          ...(nested ? { jump: jumpEndpoint(nested, [...chain, hop], `${where} (jump host ${hop})`) } : {}),
          ...(!nested && !previous && cfg?.proxyCommand ? { proxyCommand: cfg.proxyCommand } : {}),
        };
      }
      previous = previous ? { ...ep, jump: previous, proxyCommand: undefined } : ep;
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
    const where = `host ${host.name}`;
    const cfg = ssh.configAlias ? config.lookup(ssh.configAlias, { where: `${where}: ssh.configAlias` }) : undefined;
    if (ssh.configAlias && !cfg) {
      throw new RdoctlError(
        `${where}: ssh.configAlias ${ssh.configAlias} needs the OpenSSH client (\`ssh -G\` resolves it as \`ssh\` would); install openssh-clients, or give address, ssh.user, ssh.port and ssh.jump in the inventory instead`,
      );
    }
    const keyFiles = [...(ssh.keyFile ? [expandHome(ssh.keyFile)] : []), ...(cfg?.identityFiles ?? [])];
    // An inventory jump is like `ssh -J JUMP ALIAS`: it replaces the alias's ProxyJump/ProxyCommand.
    const jumpSpec = ssh.jump ?? cfg?.proxyJump;
    const ep: Endpoint = {
      label: host.name,
      hostname: cfg?.hostName ?? host.address,
      port: cfg && cfg.port !== 22 ? cfg.port : ssh.port,
      user: cfg && cfg.user !== localUser ? cfg.user : ssh.user,
      keyFiles: keyFiles.length ? keyFiles : defaultKeyFiles(),
      passwordAuth: ssh.passwordAuth,
      pinnedHostKeys: ssh.hostKeys,
      ...(cfg?.hostKeyAlias ? { hostKeyAlias: cfg.hostKeyAlias } : {}),
      ...(jumpSpec ? { jump: jumpEndpoint(jumpSpec, [...chain, host.name], ssh.jump ? `${where}: ssh.jump` : `${where}: ssh.configAlias ${ssh.configAlias}'s ProxyJump`) } : {}),
      ...(!jumpSpec && cfg?.proxyCommand ? { proxyCommand: cfg.proxyCommand } : {}),
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
  if (ep.jump) return `${base} via ${describeEndpoint(ep.jump)}`;
  return ep.proxyCommand ? `${base} via ProxyCommand \`${ep.proxyCommand}\`` : base;
}
