import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RdoctlError } from "../../errors";

/**
 * What OpenSSH's client would use to reach one destination, as `ssh -G` prints it: the
 * client's own resolver (Host and Match blocks, Include, canonicalisation, first value wins),
 * so rdoctl never connects somewhere other than where `ssh ALIAS` would.
 */
export interface SshConfigEntry {
  readonly hostName: string;
  readonly user: string;
  readonly port: number;
  /** IdentityFile values with `~` and `%` tokens expanded, in order (OpenSSH's defaults included). */
  readonly identityFiles: readonly string[];
  /** Raw ProxyJump value: `[user@]host[:port]` hops, comma-separated; undefined for none. */
  readonly proxyJump?: string;
  /** ProxyCommand with its `%` tokens expanded; undefined for none. */
  readonly proxyCommand?: string;
  /** HostKeyAlias: the name known_hosts is searched under instead of the host name. */
  readonly hostKeyAlias?: string;
}

/** `ssh -G`'s lines as keyword → values (IdentityFile and other lists keep every value). */
export function parseSshG(output: string): Map<string, string[]> {
  const options = new Map<string, string[]>();
  for (const line of output.split("\n")) {
    const m = /^(\S+) (.*)$/.exec(line.trimEnd());
    if (!m || !m[1]) continue;
    const key = m[1].toLowerCase();
    options.set(key, [...(options.get(key) ?? []), m[2] ?? ""]);
  }
  return options;
}

/** The home directory OpenSSH expands `~` and `%d` to: the passwd entry's, not $HOME. */
function passwdHome(): string {
  try {
    return os.userInfo().homedir;
  } catch {
    return os.homedir();
  }
}

/** Expands OpenSSH's `%` tokens (the ones IdentityFile and ProxyCommand accept) and a leading `~`. */
export function expandTokens(value: string, t: { alias: string; hostName: string; port: number; user: string }): string {
  const home = passwdHome();
  const local = os.userInfo().username;
  return value.replace(/^~(?=$|\/)/, home).replace(/%(.)/g, (whole, c: string) => {
    switch (c) {
      case "%": return "%";
      case "h": return t.hostName;
      case "n": return t.alias;
      case "p": return String(t.port);
      case "r": return t.user;
      case "u": return local;
      case "d": return home;
      case "i": return String(os.userInfo().uid);
      case "l": return os.hostname().split(".")[0] ?? os.hostname();
      case "L": return os.hostname().split(".")[0] ?? os.hostname();
      default: return whole;
    }
  });
}

/** An entry from `ssh -G` output for `alias`. */
export function entryFromSshG(alias: string, output: string): SshConfigEntry {
  const options = parseSshG(output);
  const one = (key: string): string | undefined => options.get(key)?.[0];
  const hostName = one("hostname") ?? alias;
  const user = one("user") ?? os.userInfo().username;
  const port = Number(one("port") ?? 22);
  const tokens = { alias, hostName, port, user };
  const proxyJump = one("proxyjump");
  const proxyCommand = one("proxycommand");
  const hostKeyAlias = one("hostkeyalias");
  return {
    hostName,
    user,
    port: Number.isInteger(port) && port > 0 ? port : 22,
    identityFiles: (options.get("identityfile") ?? []).map((f) => expandTokens(f, tokens)),
    ...(proxyJump && proxyJump !== "none" ? { proxyJump } : {}),
    ...(proxyCommand && proxyCommand !== "none" ? { proxyCommand: expandTokens(proxyCommand, tokens) } : {}),
    ...(hostKeyAlias && hostKeyAlias !== "none" ? { hostKeyAlias } : {}),
  };
}

/** Folders of {@link SshConfig.parse}'s files, removed when the process exits. */
const temporaryFiles = new Set<string>();

/**
 * The OpenSSH client configuration as `ssh` applies it. `lookup` asks `ssh -G` (no connection
 * is made); without an OpenSSH client there is no `ssh ALIAS` to agree with, so jump hosts are
 * taken as written and an alias is refused.
 */
export class SshConfig {
  private readonly cache = new Map<string, SshConfigEntry>();

  private constructor(
    /** `-F FILE`; undefined: OpenSSH's own (~/.ssh/config, then /etc/ssh/ssh_config). */
    private readonly file: string | undefined,
    private readonly sshBinary = "ssh",
  ) {}

  /** `file` as with `ssh -F FILE`; default: what `ssh` reads by itself. */
  static load(file?: string, sshBinary?: string): SshConfig {
    return new SshConfig(file, sshBinary);
  }

  /** A config given as text (tests, tools): written to a private temporary file for `ssh -F`. */
  static parse(text: string, sshBinary?: string): SshConfig {
    if (temporaryFiles.size === 0) {
      process.once("exit", () => {
        for (const dir of temporaryFiles) fs.rmSync(dir, { recursive: true, force: true });
      });
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-ssh-config-"));
    temporaryFiles.add(dir);
    const file = path.join(dir, "config");
    fs.writeFileSync(file, text, { mode: 0o600 });
    return new SshConfig(file, sshBinary);
  }

  /**
   * What `ssh [-l user] [-p port] destination` would use. `where` names the inventory field in
   * error messages. Returns undefined when there is no OpenSSH client.
   */
  lookup(destination: string, how: { user?: string; port?: number; where?: string } = {}): SshConfigEntry | undefined {
    const args = ["-G", ...(this.file ? ["-F", this.file] : []), ...(how.user ? ["-l", how.user] : []), ...(how.port ? ["-p", String(how.port)] : []), "--", destination];
    const key = args.join("\0");
    const cached = this.cache.get(key);
    if (cached) return cached;
    const run = spawnSync(this.sshBinary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
    if (run.error && (run.error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    const where = how.where ? `${how.where}: ` : "";
    if (run.error) throw new RdoctlError(`${where}\`ssh -G ${destination}\` failed: ${run.error.message}`);
    if (run.status !== 0) {
      const why = run.stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^Pseudo-terminal/.test(l)).join("; ") || `exit ${run.status}`;
      throw new RdoctlError(`${where}OpenSSH cannot resolve ${destination} (\`ssh -G${this.file ? ` -F ${this.file}` : ""} ${destination}\`: ${why})`);
    }
    const entry = entryFromSshG(destination, run.stdout);
    this.cache.set(key, entry);
    return entry;
  }
}
