import { RdoctlError } from "../errors";
import { loadTopology } from "../topology/load";
import { generateAnswers, openSecretStore, type SecretSource } from "../packstack";
import { cloudPaths } from "../workspace";
import type { AnswerInput, InstallContext } from "./context";
import { diagnose, formatDiagnosis } from "./diagnose";
import { createDisplay, displayMode } from "./display";
import { describeHolder, InstallLock, installLockFile, liveHolder, type LockHolder } from "./install-lock";
import { install } from "./installer";
import { isPhaseName, PHASES, type PhaseName } from "./phase-names";
import { followRun, liveRun, PackstackFailedError, REMOTE_RUNS } from "./phases/run";
import { hashText, planScaleFromState, recordMembers } from "./scale";
import { openSession } from "./session";
import { InterruptedError } from "./steps";

export interface InstallCommandOptions {
  readonly from?: string;
  readonly only?: string;
  readonly acceptNewHostKeys?: boolean;
  readonly parallel?: string;
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly reconnectTimeout?: string;
  readonly connectTimeout?: string;
  readonly keepalive?: string;
}

function phaseOption(name: string, value: string | undefined): PhaseName | undefined {
  if (value === undefined) return undefined;
  if (!isPhaseName(value)) throw new RdoctlError(`--${name} ${value}: not a phase (${PHASES.join(", ")})`, 2);
  return value;
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RdoctlError(`${flag} ${value}: expected a whole number ≥ 1`, 2);
  return n;
}

/**
 * The answer file from the inventory and the cloud's secret store (created 0600 if missing).
 * With `persist: false` (dry runs) newly drawn secrets are not written: nothing changes anywhere.
 */
export function answersFor(topology: ReturnType<typeof loadTopology>, persist = true): () => AnswerInput {
  return () => {
    const store = openSecretStore(topology.name);
    const secrets: SecretSource = persist
      ? store
      : { description: store.description, secret: (key, len, ok) => store.secret(key, len, ok), save: () => undefined };
    const file = generateAnswers(topology, { secrets });
    return { text: file.text, secretValues: file.secretKeys.map((k) => file.values[k] ?? "").filter(Boolean) };
  };
}

/**
 * Another `rdoctl install` of this cloud holds the lock: follow its Packstack run read-only
 * (nothing is written locally), so a second terminal shows the same progress and result.
 */
async function followOtherInstall(ctx: InstallContext, holder: LockHolder, lockFile: string, inventory: string): Promise<void> {
  const { name, deployer } = ctx.topology;
  ctx.answers(); // loads the answer file's secrets into the redactor before any output is shown
  const live = await liveRun(ctx);
  if (!live || live.state !== "alive") {
    throw new RdoctlError(
      `another rdoctl install of cloud ${name} is running (${describeHolder(holder)}; lock ${lockFile}) and no Packstack run is going on ${deployer} to follow; ` +
        `wait for it to finish (\`rdoctl install status ${inventory}\`)`,
    );
  }
  ctx.emit({ type: "info", message: `another rdoctl install of cloud ${name} holds ${lockFile} (${describeHolder(holder)}); following its Packstack run read-only` });
  ctx.emit({ type: "info", host: deployer, message: `attaching to the Packstack run already going: ${live.runId} (pid ${live.pid})` });
  const result = await followRun(ctx, { runId: live.runId, pid: live.pid, attached: true });
  if (result.exitCode === 0) {
    ctx.emit({ type: "finished", ok: true, message: `Packstack run ${live.runId} finished; the rdoctl install holding the lock (pid ${holder.pid}) collects the credentials and verifies the cloud` });
    return;
  }
  const diagnosis = diagnose({ output: ctx.redactor.redact(result.output), exitCode: result.exitCode });
  ctx.emit({ type: "diagnosis", diagnosis });
  throw new PackstackFailedError(diagnosis);
}

/** `rdoctl install INVENTORY …`: resolves when done; throws RdoctlError with the exit code otherwise. */
export async function runInstallCommand(inventory: string, options: InstallCommandOptions): Promise<void> {
  const from = phaseOption("from", options.from);
  const only = phaseOption("only", options.only);
  if (from && only) throw new RdoctlError("--from and --only exclude each other", 2);
  const parallel = positiveInt("--parallel", options.parallel, 10);
  const reconnectTimeoutMs = positiveInt("--reconnect-timeout", options.reconnectTimeout, 600) * 1000;
  const readyTimeoutMs = positiveInt("--connect-timeout", options.connectTimeout, 10) * 1000;
  const keepaliveIntervalMs = positiveInt("--keepalive", options.keepalive, 1) * 1000;
  const topology = loadTopology(inventory);
  const lockFile = installLockFile(cloudPaths(topology.name).dir);
  // A dry run writes nothing locally, not even a lock.
  const attempt = options.dryRun ? undefined : InstallLock.acquire(lockFile);
  const lock = attempt && "lock" in attempt ? attempt.lock : undefined;
  const heldBy = attempt && "heldBy" in attempt ? attempt.heldBy : undefined;
  const display = createDisplay(displayMode({ json: options.json, isTTY: process.stdout.isTTY }));
  const abort = new AbortController();
  let session: ReturnType<typeof openSession>;
  try {
    // Installed hosts against the inventory: new compute hosts make this a scale-out (the
    // installed ones go to EXCLUDE_SERVERS); dropped hosts are refused (rdoctl scale in).
    const settingsHash = (t: typeof topology): string => hashText(answersFor(t, false)().text);
    let answersTopology = topology;
    session = openSession({
      topology,
      emit: display.sink,
      scale: (journal, paths) => {
        const plan = planScaleFromState(topology, paths, journal, settingsHash, { inventory });
        answersTopology = plan.answersTopology;
        return { plan, recordInstalled: () => recordMembers(paths, topology, plan, settingsHash(topology)) };
      },
      answers: () => answersFor(answersTopology, !options.dryRun && !heldBy)(),
      signal: abort.signal,
      acceptNewHostKeys: options.acceptNewHostKeys,
      parallel,
      reconnectTimeoutMs,
      readyTimeoutMs,
      keepaliveIntervalMs,
    });
  } catch (err) {
    // e.g. an ssh.configAlias OpenSSH cannot resolve: nothing started, the cloud is free again
    lock?.release();
    throw err;
  }
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    abort.abort();
    session.close();
  };
  process.on("SIGINT", onSigint);
  try {
    if (heldBy) await followOtherInstall(session.ctx, heldBy, lockFile, inventory);
    else await install(session.ctx, { from, only, dryRun: options.dryRun });
  } catch (err) {
    display.end();
    if (heldBy && (abort.signal.aborted || err instanceof InterruptedError)) {
      throw new RdoctlError(`interrupted; stopped following. The rdoctl install holding the lock (pid ${heldBy.pid}) and its Packstack run go on.`, 130);
    }
    if (abort.signal.aborted || err instanceof InterruptedError) {
      const run = session.ctx.journal.get("run", topology.deployer);
      const packstack =
        run && run.status !== "done"
          ? ` A Packstack run started on ${topology.deployer} keeps running (detached, ${REMOTE_RUNS}); \`rdoctl install ${inventory}\` re-attaches to it.`
          : "";
      throw new RdoctlError(`interrupted; journal saved to ${session.ctx.paths.journal}.${packstack}`, 130);
    }
    if (err instanceof PackstackFailedError) {
      throw new RdoctlError(`${formatDiagnosis(err.diagnosis)}\nrerun \`rdoctl install ${inventory}\` once fixed.`, 1);
    }
    // Remote stderr ends up in error messages: pass them through the redactor like events.
    if (err instanceof RdoctlError) throw new RdoctlError(session.ctx.redactor.redact(err.message), err.exitCode, err.rule);
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
    session.close();
    display.end();
    lock?.release();
  }
}

/**
 * `rdoctl install status INVENTORY`: the journal, and whether a Packstack run is live. Exits 1
 * (after printing what is known) when the deployer cannot be asked: "no run" would be a guess.
 */
export async function runInstallStatus(inventory: string, options: { json?: boolean }): Promise<void> {
  const topology = loadTopology(inventory);
  const paths = cloudPaths(topology.name);
  const session = openSession({
    topology,
    emit: () => undefined,
    answers: answersFor(topology, false), // status is read-only: never save newly drawn secrets
    passwordSource: async () => {
      throw new RdoctlError("status does not ask for passwords");
    },
  });
  try {
    const steps = session.ctx.journal.steps();
    const lockFile = installLockFile(paths.dir);
    const holder = liveHolder(lockFile);
    let live: { runId: string; pid: number; state: string } | undefined;
    let liveError: string | undefined;
    try {
      live = await liveRun(session.ctx);
    } catch (err) {
      liveError = (err as Error).message;
    }
    if (liveError) process.exitCode = 1;
    if (options.json) {
      // The envelope every --json output has (schema/cli-output.schema.json).
      const envelope = {
        command: "install status",
        ok: !liveError,
        exitCode: liveError ? 1 : 0,
        issues: liveError ? [{ rule: "deployer-unreachable", severity: "error", message: `cannot ask the deployer ${topology.deployer}: ${liveError}` }] : [],
      };
      process.stdout.write(JSON.stringify({ ...envelope, cloud: topology.name, journal: paths.journal, steps, lock: holder ?? null, packstack: live ?? null, error: liveError ?? null }) + "\n");
      return;
    }
    const lines = [`cloud ${topology.name}: journal ${paths.journal}`];
    if (steps.length === 0) lines.push("  no step recorded yet");
    for (const phase of PHASES) {
      for (const s of steps.filter((x) => x.phase === phase)) {
        lines.push(`  ${s.phase.padEnd(9)} ${s.host.padEnd(16)} ${s.status.padEnd(8)} ${s.finishedAt ?? s.startedAt}${s.error ? `  ${s.error.split("\n")[0]}` : ""}`);
      }
    }
    if (holder) lines.push(`rdoctl install: running (${describeHolder(holder)}; lock ${lockFile})`);
    if (liveError) lines.push(`packstack: cannot ask the deployer ${topology.deployer} (${liveError}); run state unknown`);
    else if (!live) lines.push("packstack: no run recorded on the deployer");
    else
      lines.push(
        `packstack: run ${live.runId} (pid ${live.pid}) ${live.state === "alive" ? "is RUNNING — `rdoctl install` attaches to it" : live.state.startsWith("exit") ? `finished, ${live.state}` : "is not running and left no exit status (killed or host restarted)"}`,
      );
    process.stdout.write(lines.join("\n") + "\n");
  } finally {
    session.close();
  }
}
