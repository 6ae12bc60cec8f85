import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Runs the compiled CLI (bin/rdoctl.js), as operators run it, building dist/ first when stale. */

export const ROOT = path.resolve(__dirname, "..", "..");
// RDOCTL_TEST_BIN runs the same tests against another build (e.g. the commit before a fix).
const BIN = process.env.RDOCTL_TEST_BIN ?? path.join(ROOT, "bin", "rdoctl.js");

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourcesUnder(rel));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** Hash of every source file: mtimes alone miss a tsc of another run that read a file just before an edit. */
function sourcesHash(): string {
  const hash = createHash("sha256");
  for (const source of sourcesUnder("src").sort()) hash.update(source).update("\0").update(fs.readFileSync(path.join(ROOT, source))).update("\0");
  return hash.digest("hex");
}

const BUILT_FROM = path.join(ROOT, "dist", ".built-from-sources");

/** Builds dist/ unless it was built by this helper from exactly the current sources. */
export function ensureCompiled(): void {
  if (process.env.RDOCTL_TEST_BIN) return;
  const current = sourcesHash();
  if (fs.existsSync(BUILT_FROM) && fs.readFileSync(BUILT_FROM, "utf8") === current) return;
  // tsc emits even when files of other areas do not typecheck.
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: ROOT, encoding: "utf8" });
  if (!fs.existsSync(path.join(ROOT, "dist", "src", "cli", "main.js"))) throw new Error("tsc did not build dist/src/cli/main.js");
  // The hash of the sources as they were before tsc ran: an edit during the build rebuilds next time.
  fs.writeFileSync(BUILT_FROM, current);
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One compiled-CLI run, synchronously. */
export function rdoctlSync(args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; asUser?: number } = {}): Run {
  const command = options.asUser !== undefined ? "setpriv" : process.execPath;
  const argv =
    options.asUser !== undefined
      ? [`--reuid=${options.asUser}`, `--regid=${options.asUser}`, "--clear-groups", process.execPath, BIN, ...args]
      : [BIN, ...args];
  const spawnOptions: SpawnSyncOptions = {
    cwd: options.cwd ?? ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true", ...options.env },
    input: options.input ?? "",
    maxBuffer: 64 * 1024 * 1024,
  };
  const run = spawnSync(command, argv, spawnOptions);
  return { code: run.status, stdout: String(run.stdout), stderr: String(run.stderr) };
}

/** One compiled-CLI run as a child process, for concurrent runs. */
export function rdoctlAsync(args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, CI: "true", ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A Node stack frame line, or rdoctl's internal-error wording: neither may reach an operator. */
export const STACK_TRACE = /^\s+at .+[(:]\d+|internal error|\n\s+at /m;

/** Values of KEY=value lines of an answer file. */
export function answerValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of text.matchAll(/^(CONFIG_[A-Z0-9_]+)=(.*)$/gm)) values[match[1]!] = match[2]!;
  return values;
}
