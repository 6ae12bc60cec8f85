import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findShipped } from "../shipped-files";
import type { Engine } from "./engine";
import { PipelineError } from "./exit-codes";
import { now, type AnySink } from "./events";

export interface SynthResult {
  readonly outdir: string;
  /** Stack names in dependency order (dependencies first). */
  readonly stacks: readonly string[];
  readonly dependencies: Readonly<Record<string, readonly string[]>>;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/**
 * Runs a command with its output appended to `log` (created 0600: plan output can show
 * anything the stacks hold). A signal on `signal` is passed on as SIGINT, which lets terraform
 * stop cleanly and release its state lock.
 */
export function runLogged(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; log: string; signal?: AbortSignal; shell?: boolean }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    fs.mkdirSync(path.dirname(options.log), { recursive: true, mode: 0o700 });
    const log = fs.openSync(options.log, "a", 0o600);
    fs.writeSync(log, `$ ${[command, ...args].join(" ")}\n`);
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], shell: options.shell });
    let output = "";
    const take = (d: Buffer) => {
      output += d.toString("utf8");
      fs.writeSync(log, d);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const onAbort = () => child.kill("SIGINT");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (err) => {
      fs.closeSync(log);
      reject(err);
    });
    child.on("close", (code, signal) => {
      options.signal?.removeEventListener("abort", onAbort);
      fs.writeSync(log, `# exit ${code ?? signal}\n`);
      fs.closeSync(log);
      resolve({ code, signal, output });
    });
  });
}

/** The project holding cdktf.json and the stacks (this rdoctl checkout or installation). */
export function projectRoot(): string {
  const file = findShipped("cdktf.json");
  if (!file) throw new PipelineError("badInput", "cdktf.json is missing from this rdoctl installation: reinstall rdoctl");
  return path.dirname(file);
}

function dependencyOrder(dependencies: Record<string, readonly string[]>): string[] {
  const order: string[] = [];
  const visit = (name: string, seen: Set<string>) => {
    if (order.includes(name) || seen.has(name)) return;
    seen.add(name);
    for (const dep of dependencies[name] ?? []) visit(dep, seen);
    order.push(name);
  };
  for (const name of Object.keys(dependencies).sort()) visit(name, new Set());
  return order;
}

/**
 * Synthesizes the cdktf app into `outdir` the way `cdktf synth` does: the `app` command of
 * cdktf.json with CDKTF_OUTDIR set. A failing synth prints its `rdoctl: …` lines (bad inventory,
 * failing synth-time checks): they are bad input.
 */
export async function synthesize(options: { outdir: string; env: NodeJS.ProcessEnv; log: string; signal?: AbortSignal }): Promise<SynthResult> {
  const root = projectRoot();
  const app = (JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { app: string }).app;
  const run = await runLogged(app, [], { cwd: root, env: { ...options.env, CDKTF_OUTDIR: options.outdir }, log: options.log, signal: options.signal, shell: true });
  if (options.signal?.aborted) throw new PipelineError("interrupted", "interrupted during cdktf synth", "deploy");
  if (run.code !== 0) {
    const problems = run.output.split("\n").filter((l) => l.startsWith("rdoctl: "));
    // The app reads --stacks as RDOCTL_STACKS: name the flag the operator typed.
    const lines = problems.map((l) => l.slice("rdoctl: ".length).replace(/^RDOCTL_STACKS: /, "--stacks: "));
    if (problems.length > 0) throw new PipelineError("badInput", lines.join("\n"), "deploy");
    throw new PipelineError("provisioning", `cdktf synth failed (exit ${run.code}); see ${options.log}`, "deploy");
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(options.outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { dependencies?: string[] }>;
  };
  const dependencies = Object.fromEntries(Object.entries(manifest.stacks).map(([name, s]) => [name, s.dependencies ?? []]));
  return { outdir: options.outdir, stacks: dependencyOrder(dependencies), dependencies };
}

export interface StackVariable {
  readonly name: string;
  readonly sensitive: boolean;
  readonly hasDefault: boolean;
}

export function stackDir(outdir: string, stack: string): string {
  return path.join(outdir, "stacks", stack);
}

export function stackVariables(outdir: string, stack: string): StackVariable[] {
  const tf = JSON.parse(fs.readFileSync(path.join(stackDir(outdir, stack), "cdk.tf.json"), "utf8")) as { variable?: Record<string, { sensitive?: boolean; default?: unknown }> };
  return Object.entries(tf.variable ?? {}).map(([name, v]) => ({ name, sensitive: v.sensitive === true, hasDefault: v.default !== undefined }));
}

/** `Plan: 1 to add, 0 to change, 2 to destroy.` (or `No changes.`). */
export function planChanges(output: string): { add: number; change: number; destroy: number } {
  const m = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(output);
  return m ? { add: Number(m[1]), change: Number(m[2]), destroy: Number(m[3]) } : { add: 0, change: 0, destroy: 0 };
}

/** The last `Error:` block of terraform's output, as one or a few lines. */
export function terraformError(output: string): string {
  const at = output.lastIndexOf("Error: ");
  if (at < 0) return output.trim().split("\n").slice(-3).join(" ").slice(0, 500);
  return output
    .slice(at)
    .split("\n")
    .map((l) => l.replace(/^[│╷╵]\s?/, "").trim())
    .filter(Boolean)
    .slice(0, 4)
    .join(" — ")
    .slice(0, 600);
}

export interface StackRunner {
  readonly engine: Engine;
  readonly outdir: string;
  readonly logDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly emit: AnySink;
  readonly signal?: AbortSignal;
  /** How long to wait for another run's state lock. */
  readonly lockTimeout: string;
}

/** Runs one engine command on one stack, with its events and log; throws PipelineError on failure. */
export async function terraformStep(
  r: StackRunner,
  stack: string,
  action: "init" | "plan" | "apply" | "destroy" | "state",
  args: readonly string[],
  options: { okCodes?: readonly number[]; outcome?: "provisioning" } = {},
): Promise<RunResult & { durationMs: number; log: string }> {
  const log = path.join(r.logDir, `${stack}.${action}.log`);
  const started = Date.now();
  r.emit({ type: "terraform", stack, action, status: "start", time: now(), log });
  const run = await runLogged(r.engine.binary, args, {
    cwd: stackDir(r.outdir, stack),
    env: r.env,
    log,
    signal: r.signal,
  });
  const durationMs = Date.now() - started;
  if (r.signal?.aborted) {
    r.emit({ type: "terraform", stack, action, status: "failed", time: now(), durationMs, log, error: "interrupted" });
    throw new PipelineError("interrupted", `interrupted during terraform ${action} of ${stack}; the state lock is released, rerun to continue`, "deploy");
  }
  if (!(options.okCodes ?? [0]).includes(run.code ?? -1)) {
    const error = terraformError(run.output);
    r.emit({ type: "terraform", stack, action, status: "failed", time: now(), durationMs, log, error });
    throw new PipelineError("provisioning", `stack ${stack}: terraform ${action} failed: ${error} (log ${log})`, "deploy");
  }
  return { ...run, durationMs, log };
}
