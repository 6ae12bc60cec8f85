import { RdoctlError } from "../errors";
import { loadInventory } from "../topology/inventory";
import { generateAnswers, openSecretStore, type SecretSource } from "../packstack";
import { cloudPaths } from "../workspace";
import type { AnswerInput } from "./context";
import { formatDiagnosis } from "./diagnose";
import { createDisplay, type DisplayMode } from "./display";
import { install } from "./installer";
import { isPhaseName, PHASES, type PhaseName } from "./phase-names";
import { liveRun, PackstackFailedError, REMOTE_RUNS } from "./phases/run";
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

function displayMode(json: boolean | undefined): DisplayMode {
  return json ? "json" : process.stdout.isTTY ? "tty" : "plain";
}

/**
 * The answer file from the inventory and the cloud's secret store (created 0600 if missing).
 * With `persist: false` (dry runs) newly drawn secrets are not written: nothing changes anywhere.
 */
function answersFor(topology: ReturnType<typeof loadInventory>, persist = true): () => AnswerInput {
  return () => {
    const store = openSecretStore(topology.name);
    const secrets: SecretSource = persist
      ? store
      : { description: store.description, secret: (key, len, ok) => store.secret(key, len, ok), save: () => undefined };
    const file = generateAnswers(topology, { secrets });
    return { text: file.text, secretValues: file.secretKeys.map((k) => file.values[k] ?? "").filter(Boolean) };
  };
}

/** `rdoctl install INVENTORY …`: resolves when done; throws RdoctlError with the exit code otherwise. */
export async function runInstallCommand(inventory: string, options: InstallCommandOptions): Promise<void> {
  const from = phaseOption("from", options.from);
  const only = phaseOption("only", options.only);
  if (from && only) throw new RdoctlError("--from and --only exclude each other", 2);
  const parallel = positiveInt("--parallel", options.parallel, 10);
  const reconnectTimeoutMs = positiveInt("--reconnect-timeout", options.reconnectTimeout, 600) * 1000;
  const topology = loadInventory(inventory);
  const display = createDisplay(displayMode(options.json));
  const abort = new AbortController();
  const session = openSession({
    topology,
    emit: display.sink,
    answers: answersFor(topology, !options.dryRun),
    signal: abort.signal,
    acceptNewHostKeys: options.acceptNewHostKeys,
    parallel,
    reconnectTimeoutMs,
  });
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    abort.abort();
    session.close();
  };
  process.on("SIGINT", onSigint);
  try {
    await install(session.ctx, { from, only, dryRun: options.dryRun });
  } catch (err) {
    display.end();
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
    if (err instanceof RdoctlError) throw new RdoctlError(session.ctx.redactor.redact(err.message), err.exitCode);
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
    session.close();
    display.end();
  }
}

/** `rdoctl install status INVENTORY`: the journal, and whether a Packstack run is live. */
export async function runInstallStatus(inventory: string, options: { json?: boolean }): Promise<void> {
  const topology = loadInventory(inventory);
  const paths = cloudPaths(topology.name);
  const session = openSession({
    topology,
    emit: () => undefined,
    answers: answersFor(topology),
    passwordSource: async () => {
      throw new RdoctlError("status does not ask for passwords");
    },
  });
  try {
    const steps = session.ctx.journal.steps();
    let live: { runId: string; pid: number; state: string } | undefined;
    let liveError: string | undefined;
    try {
      live = await liveRun(session.ctx);
    } catch (err) {
      liveError = (err as Error).message;
    }
    if (options.json) {
      process.stdout.write(JSON.stringify({ cloud: topology.name, journal: paths.journal, steps, packstack: live ?? null, error: liveError ?? null }) + "\n");
      return;
    }
    const lines = [`cloud ${topology.name}: journal ${paths.journal}`];
    if (steps.length === 0) lines.push("  no step recorded yet");
    for (const phase of PHASES) {
      for (const s of steps.filter((x) => x.phase === phase)) {
        lines.push(`  ${s.phase.padEnd(9)} ${s.host.padEnd(16)} ${s.status.padEnd(8)} ${s.finishedAt ?? s.startedAt}${s.error ? `  ${s.error.split("\n")[0]}` : ""}`);
      }
    }
    if (liveError) lines.push(`packstack: cannot ask the deployer (${liveError})`);
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
