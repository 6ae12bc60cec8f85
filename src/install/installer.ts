import type { InstallContext } from "./context";
import { dryRunDetails } from "./dry-run";
import { PHASES, phasesFrom, type PhaseName } from "./phase-names";
import { answersSteps } from "./phases/answers";
import { collectSteps } from "./phases/collect";
import { deployerSteps } from "./phases/deployer";
import { prepareSteps } from "./phases/prepare";
import { runPreflight } from "./phases/preflight";
import { runSteps as packstackRunSteps } from "./phases/run";
import { verifySteps } from "./phases/verify";
import { describeScale, tunnelSubnetsWarning } from "./scale";
import { runSteps, stepIsPending, type Step } from "./steps";

export interface InstallOptions {
  /** Force this phase and every later one, even when done. */
  readonly from?: PhaseName;
  /** Run (forced) only this phase. */
  readonly only?: PhaseName;
  /** Print the plan, change nothing. @default false */
  readonly dryRun?: boolean;
}

type StepBuilder = (ctx: InstallContext) => Step[];

/** Phases after preflight, each building its steps when it starts (later ones read earlier facts). */
const BUILDERS: Record<Exclude<PhaseName, "preflight">, StepBuilder> = {
  prepare: prepareSteps,
  deployer: deployerSteps,
  answers: answersSteps,
  run: packstackRunSteps,
  collect: collectSteps,
  verify: verifySteps,
};

export interface PlannedStep {
  readonly phase: PhaseName;
  readonly host: string;
  readonly action: "run" | "skip";
  readonly reason: string;
}

function selected(options: InstallOptions): { phases: PhaseName[]; forced: Set<PhaseName> } {
  if (options.only) return { phases: [options.only], forced: new Set([options.only]) };
  return { phases: [...PHASES], forced: new Set(options.from ? phasesFrom(options.from) : []) };
}

/**
 * What a run would do, from the journal and the current inputs. Preflight runs whenever
 * anything else will (it is the gate that keeps a half-reachable cloud untouched).
 */
export function plan(ctx: InstallContext, options: InstallOptions = {}): PlannedStep[] {
  const { phases, forced } = selected(options);
  const later: PlannedStep[] = [];
  let laterRuns = false;
  for (const phase of phases) {
    if (phase === "preflight") continue;
    for (const step of BUILDERS[phase](ctx)) {
      const pending = stepIsPending(ctx, step, forced.has(phase));
      // A rerun of an earlier phase makes later ones' inputs change (run id): say so up front.
      const action = pending.run || (laterRuns && (phase === "collect" || phase === "verify")) ? "run" : "skip";
      if (action === "run" && phase === "run") laterRuns = true;
      later.push({ phase, host: step.host, action, reason: pending.run ? pending.reason : action === "run" ? "after a new Packstack run" : pending.reason });
    }
  }
  const preflightWanted = phases.includes("preflight") && (forced.has("preflight") || later.some((s) => s.action === "run"));
  const preflight: PlannedStep[] = phases.includes("preflight")
    ? ctx.topology.hosts.map((h) => ({
        phase: "preflight" as const,
        host: h.name,
        action: preflightWanted ? ("run" as const) : ("skip" as const),
        reason: preflightWanted ? (forced.has("preflight") ? "forced" : "gate before changes") : "nothing to do",
      }))
    : [];
  return [...preflight, ...later];
}

/** Runs the install: preflight gate, then each phase, journaling every step. */
export async function install(ctx: InstallContext, options: InstallOptions = {}): Promise<PlannedStep[]> {
  const steps = plan(ctx, options);
  const scale = ctx.scale && describeScale(ctx.scale.plan);
  if (scale) ctx.emit({ type: "info", message: scale });
  const tunnels = ctx.scale && tunnelSubnetsWarning(ctx.scale.plan, ctx.answers().text);
  if (tunnels) ctx.emit({ type: "warning", message: tunnels });
  ctx.emit({ type: "plan", steps });
  if (options.dryRun) {
    ctx.emit({ type: "dry-run", details: dryRunDetails(ctx, steps) });
    return steps;
  }
  const { phases, forced } = selected(options);
  if (!steps.some((s) => s.action === "run")) {
    for (const s of steps) ctx.emit({ type: "step", phase: s.phase, host: s.host, status: "skipped", message: s.reason });
    for (const p of phases) ctx.emit({ type: "phase", phase: p, status: "skipped" });
    ctx.emit({ type: "finished", ok: true, message: "nothing to do: every step is done and its inputs are unchanged" });
    return steps;
  }
  for (const phase of phases) {
    if (phase === "preflight") {
      if (steps.some((s) => s.phase === "preflight" && s.action === "run")) await runPreflight(ctx);
      else ctx.emit({ type: "phase", phase, status: "skipped" });
      continue;
    }
    const phaseSteps = BUILDERS[phase](ctx);
    const anyPending = phaseSteps.some((s) => stepIsPending(ctx, s, forced.has(phase)).run);
    if (!anyPending) {
      for (const s of phaseSteps) ctx.emit({ type: "step", phase, host: s.host, status: "skipped", message: "done, inputs unchanged" });
      ctx.emit({ type: "phase", phase, status: "skipped" });
      continue;
    }
    ctx.emit({ type: "phase", phase, status: "start" });
    try {
      await runSteps(ctx, phase, phaseSteps, forced.has(phase));
    } catch (err) {
      ctx.emit({ type: "phase", phase, status: "failed" });
      throw err;
    }
    ctx.emit({ type: "phase", phase, status: "done" });
    if (phase === "run") ctx.scale?.recordInstalled();
  }
  ctx.emit({ type: "finished", ok: true, message: `cloud ${ctx.topology.name} installed` });
  return steps;
}
