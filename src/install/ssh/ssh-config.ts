import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { patternListMatches, wildcardRegExp } from "./host-patterns";

/**
 * The part of an OpenSSH client config rdoctl honours for one alias. Our own small parser:
 * `Host` blocks with `*`, `?` and `!` patterns, first value wins (IdentityFile accumulates),
 * `Include` of files relative to ~/.ssh, `%h %p %r %u %d %%` and `~` in paths. `Match` blocks
 * are not evaluated (only `Match all` applies) — they are rare in lab configs and need a shell.
 */
export interface SshConfigEntry {
  readonly hostName?: string;
  readonly user?: string;
  readonly port?: number;
  readonly identityFiles: readonly string[];
  /** Raw ProxyJump value: `[user@]host[:port]`, comma-separated hops, or `none`. */
  readonly proxyJump?: string;
}

interface Block {
  readonly patterns: readonly string[] | "all" | "never";
  readonly options: ReadonlyArray<readonly [string, string]>;
}

function splitArgs(value: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) out.push(m[1] ?? m[2] ?? "");
  return out;
}

function expandHome(p: string): string {
  return p.replace(/^~(?=$|\/)/, os.homedir());
}

function includeFiles(spec: string, baseDir: string): string[] {
  const full = path.isAbsolute(expandHome(spec)) ? expandHome(spec) : path.join(baseDir, spec);
  if (!full.includes("*") && !full.includes("?")) return [full];
  const dir = path.dirname(full);
  const re = wildcardRegExp(path.basename(full), false);
  try {
    return fs.readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

function parseBlocks(text: string, baseDir: string, depth: number): Block[] {
  const blocks: Block[] = [];
  let current: { patterns: Block["patterns"]; options: Array<[string, string]> } = { patterns: "all", options: [] };
  blocks.push(current);
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const keyword = (m[1] ?? "").toLowerCase();
    const value = (m[2] ?? "").trim();
    if (keyword === "host") {
      current = { patterns: splitArgs(value), options: [] };
      blocks.push(current);
    } else if (keyword === "match") {
      current = { patterns: value.trim().toLowerCase() === "all" ? "all" : "never", options: [] };
      blocks.push(current);
    } else if (keyword === "include" && depth < 8) {
      for (const spec of splitArgs(value)) {
        for (const file of includeFiles(spec, baseDir)) {
          let included: string;
          try {
            included = fs.readFileSync(file, "utf8");
          } catch {
            continue;
          }
          // An Include inside a Host block applies only when that block matches: keep its patterns.
          for (const b of parseBlocks(included, baseDir, depth + 1)) {
            blocks.push({ patterns: b.patterns === "all" ? current.patterns : b.patterns, options: b.options });
          }
        }
      }
      current = { patterns: current.patterns, options: [] };
      blocks.push(current);
    } else {
      current.options.push([keyword, value]);
    }
  }
  return blocks;
}

function blockApplies(block: Block, alias: string): boolean {
  if (block.patterns === "all") return true;
  if (block.patterns === "never") return false;
  return patternListMatches(block.patterns, alias);
}

/** A parsed client config; `lookup(alias)` gives what applies to that alias. */
export class SshConfig {
  private constructor(private readonly blocks: readonly Block[]) {}

  static parse(text: string, baseDir = path.join(os.homedir(), ".ssh")): SshConfig {
    return new SshConfig(parseBlocks(text, baseDir, 0));
  }

  /** Reads `file` (default ~/.ssh/config); a missing file is an empty config. */
  static load(file = path.join(os.homedir(), ".ssh", "config")): SshConfig {
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    return SshConfig.parse(text, path.dirname(file));
  }

  lookup(alias: string): SshConfigEntry {
    const first = new Map<string, string>();
    const identityFiles: string[] = [];
    for (const block of this.blocks) {
      if (!blockApplies(block, alias)) continue;
      for (const [k, v] of block.options) {
        if (k === "identityfile") identityFiles.push(v);
        else if (!first.has(k)) first.set(k, v);
      }
    }
    const hostName = (first.get("hostname") ?? alias).replace(/%h/g, alias);
    const portText = first.get("port");
    const port = portText ? Number(portText) : undefined;
    const user = first.get("user");
    const tokens = (p: string): string =>
      expandHome(p).replace(/%(.)/g, (whole, c: string) => {
        switch (c) {
          case "%": return "%";
          case "h": return hostName;
          case "p": return String(port ?? 22);
          case "r": return user ?? os.userInfo().username;
          case "u": return os.userInfo().username;
          case "d": return os.homedir();
          default: return whole;
        }
      });
    return {
      hostName,
      user,
      port: port !== undefined && Number.isInteger(port) ? port : undefined,
      identityFiles: identityFiles.map((f) => tokens(splitArgs(f)[0] ?? f)),
      proxyJump: first.get("proxyjump"),
    };
  }
}
