import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * examples/own-project's dependencies, installed once (`npm ci`, about a minute) for every test
 * that runs the example: its synth test and the real-apply test may run at the same time in
 * vitest's forks, and two `npm ci` in one folder would break each other, so they take turns on a
 * lock and the second finds the work done.
 */
export const OWN_PROJECT = path.join(__dirname, "..", "..", "examples", "own-project");
const LOCK = path.join(os.tmpdir(), `rdoctl-own-project-${Buffer.from(OWN_PROJECT).toString("hex").slice(-24)}.lock`);

/** The example's environment: an operator's own Terraform CLI configuration is not its business. */
export function ownProjectEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, CI: "1", CHECKPOINT_DISABLE: "1", ...env };
  delete base.TF_CLI_CONFIG_FILE;
  return base;
}

function installed(): boolean {
  const lock = path.join(OWN_PROJECT, "node_modules", ".package-lock.json");
  if (!fs.existsSync(lock)) return false;
  type Entries = Record<string, { version?: string; optional?: boolean }>;
  const wanted = JSON.parse(fs.readFileSync(path.join(OWN_PROJECT, "package-lock.json"), "utf8")).packages as Entries;
  const have = JSON.parse(fs.readFileSync(lock, "utf8")).packages as Entries;
  // Optional packages of other platforms (esbuild's) are in the lock file but never installed.
  return Object.entries(wanted).every(([name, entry]) => name === "" || (entry.optional && !have[name]) || have[name]?.version === entry.version);
}

function holderAlive(): boolean {
  try {
    process.kill(Number(fs.readFileSync(path.join(LOCK, "pid"), "utf8")), 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Installs the example's dependencies unless they match its lock file; the error text when that fails. */
export function ensureOwnProjectInstalled(): string | undefined {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A holder that died (a killed test worker) leaves its lock behind; a new one may not have written its pid yet.
      const age = Date.now() - fs.statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs;
      if (!holderAlive() && age > 5_000) fs.rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) return `examples/own-project: another test's npm ci still holds ${LOCK}`;
      else sleep(1_000);
    }
  }
  try {
    if (installed()) return undefined;
    const ci = spawnSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: OWN_PROJECT, env: ownProjectEnv(), encoding: "utf8", timeout: 480_000 });
    return ci.status === 0 ? undefined : `examples/own-project: npm ci failed (${ci.status ?? ci.signal}): ${ci.stderr.slice(-2000)}`;
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}
