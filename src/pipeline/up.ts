import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { RdoctlError } from "../errors";
import { formatDiagnosis } from "../install/diagnose";
import type { InstallEvent } from "../install/events";
import { describeHolder, InstallLock, installLockFile } from "../install/install-lock";
import { install } from "../install/installer";
import { PreflightFailedError } from "../install/phases/preflight";
import { PackstackFailedError } from "../install/phases/run";
import { openSession } from "../install/session";
import { SshError } from "../install/ssh";
import { InterruptedError, PhaseFailedError } from "../install/steps";
import { generateAnswers, openSecretStore } from "../packstack";
import { hostForRole, type Topology } from "../topology/model";
import { loadTopology } from "../topology/load";
import { cloudPaths } from "../workspace";
import { checkCloud, junitReport, type CloudEntry } from "./checks";
import { day1Env, day1OutDir, readStackState, stackVariableEnv } from "./day1";
import { findEngine } from "./engine";
import { createPipelineDisplay, now, type AnySink, type StageName } from "./events";
import { exitCode, PipelineError } from "./exit-codes";
import { UpJournal } from "./journal";
import { planChanges, synthesize, terraformStep, type StackRunner } from "./terraform";

export interface UpOptions {
  readonly json?: boolean;
  /** Where to put the artifacts. @default `<cloud dir>/runs/<UTC time>-up` */
  readonly artifacts?: string;
  /** Comma-separated day-1 stacks, or `none`. @default every stack of the app but `install` */
  readonly stacks?: string;
  readonly acceptNewHostKeys?: boolean;
  /** Skip the install (the cloud exists; its clouds.yaml is in the cloud's folder). */
  readonly skipInstall?: boolean;
  /** How long to wait for another run's state lock, terraform syntax (`60s`). */
  readonly lockTimeout?: string;
  readonly out?: NodeJS.WritableStream;
}

const stamp = (): string => new Date().toISOString().replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");

/** Stops on Ctrl-C / SIGTERM (CI cancel) through an AbortSignal; a second one exits at once. */
export function interruptible(): { signal: AbortSignal; dispose(): void; onAbort(fn: () => void): void } {
  const abort = new AbortController();
  let count = 0;
  const extra: Array<() => void> = [];
  const handler = (): void => {
    count += 1;
    if (count > 1) process.exit(exitCode("interrupted"));
    abort.abort();
    for (const fn of extra) fn();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: abort.signal,
    onAbort: (fn) => extra.push(fn),
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/** Runs one stage with its start/done/failed events and journal entry. */
export async function stage<T>(name: StageName, emit: AnySink, journal: UpJournal | undefined, body: () => Promise<T>, message?: string): Promise<T> {
  const started = Date.now();
  emit({ type: "stage", stage: name, status: "start", time: now(), message });
  journal?.start(name);
  try {
    const result = await body();
    emit({ type: "stage", stage: name, status: "done", time: now(), durationMs: Date.now() - started });
    journal?.finish(name, "done", Date.now() - started);
    return result;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    emit({ type: "stage", stage: name, status: "failed", time: now(), durationMs: Date.now() - started, error });
    journal?.finish(name, err instanceof PipelineError && err.outcome === "interrupted" ? "interrupted" : "failed", Date.now() - started, error);
    throw err;
  }
}

/** The install, in-process, its failures sorted into the documented exit codes. */
async function installStage(topology: Topology, inventory: string, emit: AnySink, signal: AbortSignal, acceptNewHostKeys: boolean): Promise<void> {
  const paths = cloudPaths(topology.name);
  const attempt = InstallLock.acquire(installLockFile(paths.dir));
  if ("heldBy" in attempt) {
    throw new PipelineError("install", `another rdoctl install of cloud ${topology.name} is running (${describeHolder(attempt.heldBy)}); wait for it, then rerun`, "install");
  }
  const session = openSession({
    topology,
    emit: emit as (e: InstallEvent) => void,
    answers: () => {
      const file = generateAnswers(topology, { secrets: openSecretStore(topology.name) });
      return { text: file.text, secretValues: file.secretKeys.map((k) => file.values[k] ?? "").filter(Boolean) };
    },
    signal,
    acceptNewHostKeys,
  });
  const stop = () => session.close();
  signal.addEventListener("abort", stop, { once: true });
  try {
    await install(session.ctx, {});
  } catch (err) {
    const redact = (s: string) => session.ctx.redactor.redact(s);
    if (signal.aborted || err instanceof InterruptedError) {
      throw new PipelineError("interrupted", `interrupted during the install; journal saved to ${paths.journal}; \`rdoctl up ${inventory}\` continues (a started Packstack run keeps going and is re-attached)`, "install");
    }
    if (err instanceof PreflightFailedError) {
      const ssh = err.findings.filter((f) => f.level === "error" && f.check.startsWith("ssh"));
      throw new PipelineError(ssh.length > 0 ? "unreachable" : "install", redact(err.message), "install");
    }
    const sshFailure = err instanceof SshError || (err instanceof PhaseFailedError && err.failures.every((f) => f.error instanceof SshError));
    if (sshFailure) throw new PipelineError("unreachable", redact((err as Error).message), "install");
    if (err instanceof PackstackFailedError) throw new PipelineError("install", `${formatDiagnosis(err.diagnosis)}\nrerun \`rdoctl up ${inventory}\` once fixed.`, "install");
    if (err instanceof RdoctlError) throw new PipelineError("install", redact(err.message), "install");
    throw err;
  } finally {
    signal.removeEventListener("abort", stop);
    session.close();
    attempt.lock.release();
  }
}

function copyPrivate(from: string, to: string): void {
  fs.copyFileSync(from, to);
  fs.chmodSync(to, 0o600);
}

/** The newest Packstack log folder fetched by the install's collect phase, copied into the artifacts. */
function copyPackstackLogs(topology: Topology, artifacts: string): string | undefined {
  const dir = cloudPaths(topology.name).artifacts;
  if (!fs.existsSync(dir)) return undefined;
  const newest = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .at(-1);
  if (!newest) return undefined;
  const target = path.join(artifacts, "packstack-logs");
  fs.cpSync(path.join(dir, newest), target, { recursive: true });
  return target;
}

function readCloudEntry(file: string, cloud: string): CloudEntry {
  if (!fs.existsSync(file)) throw new PipelineError("install", `no credentials: ${file} is missing; run the install (\`rdoctl up\` without --skip-install)`, "credentials");
  const entry = (YAML.parse(fs.readFileSync(file, "utf8")) as { clouds?: Record<string, CloudEntry> })?.clouds?.[cloud];
  if (!entry?.auth?.auth_url) throw new PipelineError("install", `${file} has no usable entry ${cloud} (clouds.${cloud}.auth.auth_url)`, "credentials");
  return entry;
}

function dashboardUrl(topology: Topology): string | undefined {
  if (!topology.services.horizon.enabled) return undefined;
  const controller = hostForRole(topology, "controller");
  return `${topology.services.horizon.ssl ? "https" : "http"}://${controller.address}/dashboard`;
}

/**
 * `rdoctl up INVENTORY`: validate → answers → install → credentials → day-1 deploy → checks →
 * summary. Resumable: the install skips what its journal has done, the day-1 stacks re-plan
 * (and apply nothing when nothing changed). Throws PipelineError with the documented exit code.
 */
export async function runUp(inventory: string, options: UpOptions = {}): Promise<void> {
  const display = createPipelineDisplay({ json: options.json, out: options.out });
  const emit = display.sink;
  const interrupt = interruptible();
  let artifacts: string | undefined = options.artifacts ? path.resolve(options.artifacts) : undefined;
  let journal: UpJournal | undefined;
  const startedAt = Date.now();
  try {
    if (artifacts) {
      fs.mkdirSync(artifacts, { recursive: true, mode: 0o700 });
      display.recordTo(path.join(artifacts, "events.ndjson"));
    }
    const topology = await stage("validate", emit, undefined, async () => {
      try {
        return loadTopology(inventory);
      } catch (err) {
        if (err instanceof RdoctlError) throw new PipelineError("badInput", err.message, "validate");
        throw err;
      }
    });
    const paths = cloudPaths(topology.name);
    if (!artifacts) {
      artifacts = path.join(paths.dir, "runs", `${stamp()}-up`);
      fs.mkdirSync(artifacts, { recursive: true, mode: 0o700 });
      display.recordTo(path.join(artifacts, "events.ndjson"));
    }
    journal = UpJournal.open(path.join(paths.dir, "up.json"));
    const resumed = journal.describeLast();
    if (resumed) emit({ type: "info", message: `previous rdoctl up: ${resumed}; continuing (done work is skipped)` });
    journal.beginRun(artifacts);
    const engine = options.stacks === "none" ? undefined : findEngineOr(() => findEngine());

    await stage("answers", emit, journal, async () => {
      const store = openSecretStore(topology.name);
      const file = generateAnswers(topology, { secrets: store });
      store.save();
      fs.writeFileSync(path.join(artifacts!, "answers.txt"), file.text, { mode: 0o600 });
    });

    if (options.skipInstall) emit({ type: "stage", stage: "install", status: "skipped", time: now(), message: "--skip-install" });
    else {
      try {
        await stage("install", emit, journal, () => installStage(topology, inventory, emit, interrupt.signal, options.acceptNewHostKeys ?? false));
      } finally {
        copyPackstackLogs(topology, artifacts);
      }
    }

    const cloud = await stage("credentials", emit, journal, async () => {
      const entry = readCloudEntry(paths.cloudsYaml, topology.name);
      copyPrivate(paths.cloudsYaml, path.join(artifacts!, "clouds.yaml"));
      return entry;
    });

    let deployed: string[] = [];
    let userPasswords = new Map<string, string>();
    let env: NodeJS.ProcessEnv = {};
    const outdir = day1OutDir(topology);
    if (!engine) emit({ type: "stage", stage: "deploy", status: "skipped", time: now(), message: "--stacks none" });
    else {
      await stage("deploy", emit, journal, async () => {
        env = day1Env(engine, topology, inventory, options.stacks);
        const logDir = path.join(artifacts!, "terraform");
        const synth = await synthesize({ outdir, env, log: path.join(logDir, "synth.log"), signal: interrupt.signal });
        deployed = selectStacks(synth.stacks, options.stacks);
        const vars = stackVariableEnv(topology, outdir, deployed, env);
        userPasswords = vars.userPasswords;
        env = { ...env, ...vars.env };
        const runner: StackRunner = { engine, outdir, logDir, env, emit, signal: interrupt.signal, lockTimeout: options.lockTimeout ?? "120s" };
        for (const stack of deployed) await deployStack(runner, stack);
      });
    }

    const checks = await stage("checks", emit, journal, async () => {
      const states = engine ? await Promise.all(deployed.map((s) => readStackState(engine, outdir, s, env))) : [];
      const result = await checkCloud({ cloud, states, userPasswords });
      for (const r of result.results) emit({ type: "result-check", name: r.name, ok: r.ok, message: r.message, durationMs: r.durationMs, time: now() });
      fs.writeFileSync(path.join(artifacts!, "junit.xml"), junitReport(`rdoctl up ${topology.name}`, result.results));
      return result;
    });

    await stage("summary", emit, journal, async () => {
      const cloudsYaml = path.join(artifacts!, "clouds.yaml");
      const summary = {
        type: "summary" as const,
        cloud: topology.name,
        authUrl: cloud.auth.auth_url,
        dashboard: dashboardUrl(topology),
        endpoints: checks.endpoints,
        cloudsYaml,
        usage: `OS_CLIENT_CONFIG_FILE=${cloudsYaml} openstack --os-cloud ${topology.name} server list`,
        stacks: deployed,
        artifacts: artifacts!,
      };
      fs.writeFileSync(path.join(artifacts!, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
      emit(summary);
    });

    const failed = checks.results.filter((r) => !r.ok);
    if (failed.length > 0) {
      throw new PipelineError("checks", `${failed.length} of ${checks.results.length} checks failed: ${failed.map((f) => `${f.name} (${f.message})`).join("; ")}; report ${path.join(artifacts, "junit.xml")}`, "checks");
    }
    emit({ type: "finished", ok: true, exitCode: 0, time: now(), artifacts, message: `rdoctl up ${topology.name}: done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s, ${checks.results.length} checks passed; artifacts ${artifacts}` });
    journal.endRun("done");
  } catch (err) {
    const failure = asPipelineError(err, interrupt.signal);
    emit({ type: "finished", ok: false, exitCode: failure.exitCode, time: now(), artifacts, message: `rdoctl up failed (exit ${failure.exitCode}, ${failure.outcome})${artifacts ? `; artifacts ${artifacts}` : ""}` });
    journal?.endRun(failure.outcome);
    throw failure;
  } finally {
    interrupt.dispose();
    display.end();
  }
}

export function asPipelineError(err: unknown, signal: AbortSignal): PipelineError {
  if (err instanceof PipelineError) return err;
  if (signal.aborted) return new PipelineError("interrupted", "interrupted; rerun to continue");
  if (err instanceof RdoctlError) return new PipelineError(err.exitCode === 2 ? "usage" : "badInput", err.message);
  throw err;
}

function findEngineOr(find: () => ReturnType<typeof findEngine>): ReturnType<typeof findEngine> {
  try {
    return find();
  } catch (err) {
    if (err instanceof RdoctlError) throw new PipelineError("badInput", `${err.message}; or run with --stacks none (install only)`, "validate");
    throw err;
  }
}

/** `--stacks a,b` checked against the app's stacks, in dependency order; never the install stack. */
export function selectStacks(all: readonly string[], wanted: string | undefined): string[] {
  const day1 = all.filter((s) => s !== "install");
  if (!wanted) return day1;
  const names = wanted.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !day1.includes(n));
  if (unknown.length) throw new PipelineError("badInput", `--stacks ${unknown.join(",")}: not a day-1 stack of the app (${day1.join(", ")})`, "deploy");
  return day1.filter((s) => names.includes(s));
}

async function deployStack(r: StackRunner, stack: string): Promise<void> {
  const lock = `-lock-timeout=${r.lockTimeout}`;
  await terraformStep(r, stack, "init", ["init", "-input=false", "-no-color"]);
  r.emit({ type: "terraform", stack, action: "init", status: "done", time: now() });
  const plan = await terraformStep(r, stack, "plan", ["plan", "-input=false", "-no-color", lock, "-detailed-exitcode", "-out=tfplan"], { okCodes: [0, 2] });
  const changes = planChanges(plan.output);
  r.emit({ type: "terraform", stack, action: "plan", status: "done", time: now(), durationMs: plan.durationMs, changes, log: plan.log });
  if (plan.code === 0) return; // nothing to change
  const apply = await terraformStep(r, stack, "apply", ["apply", "-input=false", "-no-color", lock, "tfplan"]);
  r.emit({ type: "terraform", stack, action: "apply", status: "done", time: now(), durationMs: apply.durationMs, changes, log: apply.log });
}
