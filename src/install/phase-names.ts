/** The install phases, in the order they run. */
export const PHASES = ["preflight", "prepare", "deployer", "answers", "run", "collect", "verify"] as const;
export type PhaseName = (typeof PHASES)[number];

export function isPhaseName(value: string): value is PhaseName {
  return (PHASES as readonly string[]).includes(value);
}

/** Phases at or after `from`, in order. */
export function phasesFrom(from: PhaseName): PhaseName[] {
  return PHASES.slice(PHASES.indexOf(from));
}
