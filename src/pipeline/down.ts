import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { RdoctlError } from "../errors";
import { loadTopology } from "../topology/load";
import { cloudPaths } from "../workspace";
import { day1Env, day1OutDir, stackVariableEnv } from "./day1";
import { findEngine } from "./engine";
import { createPipelineDisplay, now } from "./events";
import { PipelineError } from "./exit-codes";
import { synthesize, terraformError, terraformStep, type StackRunner } from "./terraform";
import { asPipelineError, interruptible, selectStacks, stage } from "./up";

export interface DownOptions {
  readonly json?: boolean;
  /** Remove without asking (needed off a terminal). */
  readonly yes?: boolean;
  readonly stacks?: string;
  readonly artifacts?: string;
  readonly lockTimeout?: string;
  readonly out?: NodeJS.WritableStream;
  /** Asks the operator; @default a y/N question on the terminal */
  readonly confirm?: (question: string) => Promise<boolean>;
}

async function askOnTerminal(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * `rdoctl down INVENTORY`: lists what the day-1 stacks hold (from their state), says it, asks
 * (or takes --yes), then destroys the stacks in reverse dependency order. The installed hosts
 * are not touched: rdoctl did not create them.
 */
export async function runDown(inventory: string, options: DownOptions = {}): Promise<void> {
  const display = createPipelineDisplay({ json: options.json, out: options.out });
  const emit = display.sink;
  const interrupt = interruptible();
  let artifacts: string | undefined;
  try {
    let topology;
    try {
      topology = loadTopology(inventory);
    } catch (err) {
      if (err instanceof RdoctlError) throw new PipelineError("badInput", err.message, "validate");
      throw err;
    }
    artifacts = path.resolve(options.artifacts ?? path.join(cloudPaths(topology.name).dir, "runs", `${new Date().toISOString().replace(/[:]/g, "").replace(/\.\d+Z$/, "Z")}-down`));
    fs.mkdirSync(artifacts, { recursive: true, mode: 0o700 });
    display.recordTo(path.join(artifacts, "events.ndjson"));
    const engine = findEngine();
    const outdir = day1OutDir(topology);
    const logDir = path.join(artifacts, "terraform");
    let env = day1Env(engine, topology, inventory, options.stacks);
    const synth = await synthesize({ outdir, env, log: path.join(logDir, "synth.log"), signal: interrupt.signal });
    const stacks = selectStacks(synth.stacks, options.stacks).reverse();
    env = { ...env, ...stackVariableEnv(topology, outdir, stacks, env).env };
    const runner: StackRunner = { engine, outdir, logDir, env, emit, signal: interrupt.signal, lockTimeout: options.lockTimeout ?? "120s" };

    const holdings = new Map<string, string[]>();
    for (const stack of stacks) {
      await terraformStep(runner, stack, "init", ["init", "-input=false", "-no-color"]);
      const list = await terraformStep(runner, stack, "state", ["state", "list"], { okCodes: [0, 1] });
      // A stack never applied has no state file: nothing of it to remove (terraform exits 1 saying so).
      const noState = list.code !== 0 && /require a state file|No state file was found/.test(list.output);
      if (list.code !== 0 && !noState) throw new PipelineError("provisioning", `stack ${stack}: terraform state failed: ${terraformError(list.output)} (log ${list.log})`, "deploy");
      const resources = noState ? [] : list.output.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("data.") && !l.startsWith("$ ") && !l.startsWith("# "));
      holdings.set(stack, resources);
      emit({ type: "terraform", stack, action: "state", status: "done", time: now(), resources, log: list.log });
    }
    const total = [...holdings.values()].reduce((n, r) => n + r.length, 0);
    const name = topology.name;
    if (total === 0) {
      emit({ type: "finished", ok: true, exitCode: 0, time: now(), artifacts, message: `rdoctl down ${name}: nothing to remove (no day-1 resource in ${stacks.join(", ")})` });
      return;
    }
    const question = `rdoctl down ${name} removes ${total} day-1 resource(s) listed above from ${stacks.filter((s) => holdings.get(s)!.length).join(", ")}; the hosts stay installed.`;
    if (!options.yes) {
      if (!options.confirm && !process.stdin.isTTY) throw new PipelineError("usage", `${question} Rerun with --yes to remove them.`, "destroy");
      if (!(await (options.confirm ?? askOnTerminal)(`${question} Remove them?`))) {
        emit({ type: "finished", ok: true, exitCode: 0, time: now(), artifacts, message: "nothing removed" });
        return;
      }
    }
    await stage("destroy", emit, undefined, async () => {
      for (const stack of stacks) {
        if (holdings.get(stack)!.length === 0) continue;
        const run = await terraformStep(runner, stack, "destroy", ["destroy", "-auto-approve", "-input=false", "-no-color", `-lock-timeout=${runner.lockTimeout}`]);
        emit({ type: "terraform", stack, action: "destroy", status: "done", time: now(), durationMs: run.durationMs, resources: holdings.get(stack), log: run.log });
      }
    }, question);
    emit({ type: "finished", ok: true, exitCode: 0, time: now(), artifacts, message: `rdoctl down ${name}: removed ${total} day-1 resource(s); artifacts ${artifacts}` });
  } catch (err) {
    const failure = asPipelineError(err, interrupt.signal);
    emit({ type: "finished", ok: false, exitCode: failure.exitCode, time: now(), artifacts, message: `rdoctl down failed (exit ${failure.exitCode}, ${failure.outcome})${artifacts ? `; artifacts ${artifacts}` : ""}` });
    throw failure;
  } finally {
    interrupt.dispose();
    display.end();
  }
}
