// Shared by the pipeline tests: child processes with captured output, the rdoctl command under
// test (from sources, through tsx) and the synthesized app.
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { TopologySpec } from "../../src/topology/model";
import { LAB_EXTERNAL_NETWORK } from "../lab/inventory";

export const ROOT = path.resolve(__dirname, "..", "..");
/** rdoctl from this checkout's sources, as a shell command prefix (RDOCTL_COMMAND). */
export const RDOCTL_FROM_SOURCES = `${path.join(ROOT, "node_modules", ".bin", "tsx")} ${path.join(ROOT, "test", "install", "rdoctl-entry.ts")}`;
export const CDKTF = path.join(ROOT, "node_modules", ".bin", "cdktf");
/** Quiet and offline for cdktf itself (no version check, telemetry or crash reports). */
export const CDKTF_QUIET: Readonly<Record<string, string>> = {
  CHECKPOINT_DISABLE: "1",
  CDKTF_DISABLE_TELEMETRY: "true",
  CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
  DISABLE_VERSION_CHECK: "1",
  CI: "1",
};

/**
 * What a lab cloud needs beyond its hosts for the whole cdktf app to synthesize: the external
 * network lab-basics makes, and Heat, which app-template's Heat stack needs.
 */
export const LAB_CLOUD_EXTRA: Partial<TopologySpec> = { externalNetwork: LAB_EXTERNAL_NETWORK, services: { heat: { enabled: true } } };

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onStdout?: (all: string) => void; signalAfter?: { when: (all: string) => boolean; signal: NodeJS.Signals } } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const child = spawn(command, [...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let signalled = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      options.onStdout?.(stdout);
      if (options.signalAfter && !signalled && options.signalAfter.when(stdout)) {
        signalled = true;
        child.kill(options.signalAfter.signal);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, startedAt, endedAt: Date.now() }));
  });
}

export function explain(r: Run): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ""}\nstderr:\n${r.stderr.slice(-4000)}\nstdout tail:\n${r.stdout.slice(-4000)}`;
}
