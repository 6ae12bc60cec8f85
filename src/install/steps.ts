import { RdoctlError } from "../errors";
import type { InstallContext } from "./context";
import { hashInputs } from "./journal";
import type { PhaseName } from "./phase-names";

/** One phase on one host: its inputs decide whether a rerun redoes it. */
export interface Step {
  readonly phase: PhaseName;
  readonly host: string;
  /** Everything the step's effect depends on; hashed into the journal. */
  readonly inputs: unknown;
  /** Does the work; may return small facts recorded in the journal. */
  readonly run: (how: { readonly forced: boolean }) => Promise<Record<string, string> | void>;
  /** Why this step is left alone even when forced (an installed host excluded from a scale-out). */
  readonly leftAlone?: string;
}

/** Several hosts failed in one phase; every failure is listed. */
export class PhaseFailedError extends RdoctlError {
  constructor(
    readonly phase: PhaseName,
    readonly failures: ReadonlyArray<{ host: string; error: Error }>,
  ) {
    super(
      failures.length === 1
        ? failures[0]!.error.message
        : `phase ${phase} failed on ${failures.length} hosts:\n` + failures.map((f) => `  ${f.error.message}`).join("\n"),
    );
    this.name = "PhaseFailedError";
  }
}

/** Ctrl-C: the install stopped between (or inside) steps; the journal is saved. */
export class InterruptedError extends RdoctlError {
  constructor(message = "interrupted") {
    super(message, 130);
    this.name = "InterruptedError";
  }
}

export function stepInputHash(step: Step): string {
  return hashInputs({ phase: step.phase, host: step.host, inputs: step.inputs });
}

/** Whether a step will run: not done, inputs changed, or forced. */
export function stepIsPending(ctx: InstallContext, step: Step, force: boolean): { run: boolean; reason: string } {
  if (step.leftAlone) return { run: false, reason: step.leftAlone };
  if (force) return { run: true, reason: "forced" };
  const previous = ctx.journal.get(step.phase, step.host);
  if (!previous) return { run: true, reason: "not done yet" };
  if (previous.status !== "done") return { run: true, reason: previous.status === "running" ? "interrupted" : "failed before" };
  if (previous.inputHash !== stepInputHash(step)) return { run: true, reason: "inputs changed" };
  return { run: false, reason: "done, inputs unchanged" };
}

/**
 * Runs a phase's steps, at most `ctx.parallel` at once, each journaled before and after.
 * Failures on some hosts don't stop the others; the phase then fails listing all of them.
 */
export async function runSteps(ctx: InstallContext, phase: PhaseName, steps: readonly Step[], force: boolean): Promise<void> {
  const failures: Array<{ host: string; error: Error }> = [];
  const queue = [...steps];
  const worker = async (): Promise<void> => {
    for (let step = queue.shift(); step; step = queue.shift()) {
      if (ctx.signal.aborted) return;
      const hash = stepInputHash(step);
      const pending = stepIsPending(ctx, step, force);
      if (!pending.run) {
        ctx.emit({ type: "step", phase, host: step.host, status: "skipped", message: pending.reason });
        continue;
      }
      ctx.journal.start(phase, step.host, hash);
      ctx.emit({ type: "step", phase, host: step.host, status: "running", message: pending.reason });
      try {
        const facts = await step.run({ forced: force });
        ctx.journal.finish(phase, step.host, hash, facts ?? undefined);
        ctx.emit({ type: "step", phase, host: step.host, status: "done" });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        // Redacted before journaling too: error messages carry remote stderr, and
        // `rdoctl install status` prints the journal.
        // An InterruptedError already says so; other errors after Ctrl-C get the cause in front.
        const text = error instanceof InterruptedError ? error.message : ctx.signal.aborted ? `interrupted: ${error.message}` : error.message;
        const message = ctx.redactor.redact(text);
        ctx.journal.fail(phase, step.host, hash, message);
        ctx.emit({ type: "step", phase, host: step.host, status: "failed", message });
        failures.push({ host: step.host, error });
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(ctx.parallel, steps.length)) }, worker);
  await Promise.all(workers);
  if (ctx.signal.aborted) throw new InterruptedError();
  if (failures.length) throw new PhaseFailedError(phase, failures);
}
