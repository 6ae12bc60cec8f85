import { createHmac, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { patternListMatches } from "./host-patterns";

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  /** `@cert-authority` / `@revoked`, when present. */
  readonly marker?: string;
  /** The host field as written: comma-separated patterns or one hashed `|1|salt|hash`. */
  readonly hosts: string;
  readonly keyType: string;
  readonly keyBlob: Buffer;
  /** File and line, for messages. */
  readonly source: string;
}

/** The name OpenSSH looks a host up by: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string, file = "known_hosts"): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith("@")) marker = fields.shift();
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return;
    const keyBlob = Buffer.from(key, "base64");
    if (keyBlob.length === 0) return;
    entries.push({ marker, hosts, keyType, keyBlob, source: `${file}:${index + 1}` });
  });
  return entries;
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split("|");
  // |1|base64(salt)|base64(hmac-sha1(salt, name))
  if (parts.length !== 4 || parts[1] !== "1") return false;
  const salt = Buffer.from(parts[2] ?? "", "base64");
  const digest = createHmac("sha1", salt).update(name).digest("base64");
  return digest === parts[3];
}

/** Whether a known_hosts host field names `name` (already in `[host]:port` form when needed). */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith("|")) return hashedMatches(field, name);
  return patternListMatches(field.split(","), name);
}

/** Reads known_hosts files that exist; missing files are simply empty. */
export function readKnownHostsFiles(files: readonly string[]): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw err;
    }
    entries.push(...parseKnownHosts(text, file));
  }
  return entries;
}

/** Entries whose host field names any of `names`. */
export function entriesFor(entries: readonly KnownHostEntry[], names: readonly string[]): KnownHostEntry[] {
  return entries.filter((e) => names.some((n) => hostFieldMatches(e.hosts, n)));
}

/** A known_hosts line; hashed like `HashKnownHosts yes` when asked. */
export function knownHostsLine(names: readonly string[], keyType: string, blob: Buffer, hashed = false): string {
  if (hashed) {
    const name = names[0] ?? "";
    const salt = randomBytes(20);
    const digest = createHmac("sha1", salt).update(name).digest("base64");
    return `|1|${salt.toString("base64")}|${digest} ${keyType} ${blob.toString("base64")}`;
  }
  return `${names.join(",")} ${keyType} ${blob.toString("base64")}`;
}

/** Appends one line to a known_hosts file, creating it (and its directory) when missing. */
export function appendKnownHost(file: string, line: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.appendFileSync(file, line + "\n", { mode: 0o644 });
}
