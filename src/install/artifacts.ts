import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { InstallContext } from "./context";
import { shQuote } from "./ssh";

/** Packstack's newest log directory on the machine that ran it. */
export const PACKSTACK_LATEST_LOGS = "/var/tmp/packstack/latest";

/** A timestamp usable as a folder name, e.g. `20250614T102200Z`. */
export function folderTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/**
 * Copies a log directory from a host into `<artifacts>/<timestamp>/` (a tar stream over the
 * existing connection, unpacked locally). The folder is 0700: Packstack's logs can name
 * internal details of the cloud.
 */
export async function fetchLogDir(ctx: InstallContext, host: string, remoteDir = PACKSTACK_LATEST_LOGS): Promise<string> {
  const conn = await ctx.pool.get(host);
  const local = path.join(ctx.paths.artifacts, folderTimestamp());
  fs.mkdirSync(local, { recursive: true, mode: 0o700 });
  fs.chmodSync(ctx.paths.artifacts, 0o700);
  const tar = spawn("tar", ["-xf", "-", "-C", local], { stdio: ["pipe", "ignore", "pipe"] });
  let tarErr = "";
  tar.stderr.setEncoding("utf8").on("data", (d: string) => (tarErr += d));
  // A local tar that stopped reading makes writes fail with EPIPE: its exit status says why.
  tar.stdin.on("error", () => undefined);
  const unpacked = new Promise<void>((resolve, reject) => {
    tar.on("error", reject);
    tar.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`local tar exited ${code}: ${tarErr.trim()}`))));
  });
  const sent = conn
    .execRaw(`tar -C ${shQuote(remoteDir)}/ -cf - .`, (chunk) => tar.stdin.write(chunk), { phase: "collect" })
    .finally(() => tar.stdin.end());
  // Both settle before either is reported: the remote error explains a local one, never the reverse.
  const [remote, localTar] = await Promise.allSettled([sent, unpacked]);
  const failure = remote.status === "rejected" ? remote.reason : localTar.status === "rejected" ? localTar.reason : undefined;
  if (failure !== undefined) {
    fs.rmSync(local, { recursive: true, force: true });
    throw failure;
  }
  return local;
}

/** Text files of a fetched log directory that diagnosis reads, by relative path. */
export function readLogFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile() && /\.log$/.test(entry.name)) out[r] = fs.readFileSync(path.join(dir, r), "utf8");
    }
  };
  walk("");
  return out;
}
