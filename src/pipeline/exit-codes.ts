import { RdoctlError } from "../errors";
import table from "./data/exit-codes.json";

export type Outcome = Exclude<keyof typeof table, "//">;

/** The table without its comment entry. */
export const EXIT_CODES: Readonly<Record<Outcome, { readonly code: number; readonly meaning: string }>> = Object.fromEntries(
  Object.entries(table).filter(([key]) => key !== "//"),
) as Record<Outcome, { code: number; meaning: string }>;

export function exitCode(outcome: Outcome): number {
  return EXIT_CODES[outcome].code;
}

/** The exit codes as help text: `0 done…, 1 bad input…`. */
export function describeExitCodes(): string {
  return (Object.keys(EXIT_CODES) as Outcome[]).map((k) => `${EXIT_CODES[k].code} ${EXIT_CODES[k].meaning.split(":")[0]}`).join(", ");
}

/** A pipeline failure: which stage, and which documented exit code. */
export class PipelineError extends RdoctlError {
  constructor(
    readonly outcome: Outcome,
    message: string,
    readonly stage?: string,
  ) {
    super(message, exitCode(outcome), outcome);
    this.name = "PipelineError";
  }
}
