import { verdictSentence, type CheckResult, type Diagnostic } from "../packstack/check";
import { plural, type CliIssue } from "./output";

/**
 * `rdoctl answers check`'s verdict: one sentence, the exit code and `--json` all derived here
 * from the same result, so they can never disagree. Exit 0 only when Packstack would accept
 * the file and read every line as written.
 */

export interface CheckVerdict {
  readonly exitCode: 0 | 1;
  readonly text: string;
}

/**
 * Exit 0 for the `accepted` outcome, and for `accepted-with-ignored` only when every ignored part
 * was allowed (--allow-unknown turns those findings into warnings): the sentence then says so.
 */
export function checkVerdict(result: CheckResult, file: string): CheckVerdict {
  // Packstack's message may span lines (configparser quotes the offending line): keep one.
  const sentence = verdictSentence(result, file).replace(/\s*\n\s*/g, " ");
  if (result.outcome === "rejected" || result.errors.length > 0) return { exitCode: 1, text: sentence };
  return { exitCode: 0, text: result.outcome === "accepted" ? sentence : `${sentence}, as --allow-unknown allows` };
}

/** Every finding as an envelope issue; notes only when asked for. */
export function checkIssues(result: CheckResult, file: string, notes: boolean): CliIssue[] {
  const rejected: CliIssue[] =
    !result.accepted && result.errors.length === 0
      ? [{ rule: "rejected", severity: "error", file, message: result.packstackError ?? `Packstack ${result.release} would reject the file` }]
      : [];
  const toIssue = (d: Diagnostic): CliIssue => ({
    rule: d.code,
    severity: d.severity,
    message: d.message,
    file,
    ...(d.line !== undefined ? { line: d.line } : {}),
    ...(d.key !== undefined ? { key: d.key } : {}),
  });
  return [...rejected, ...result.errors.map(toIssue), ...result.warnings.map(toIssue), ...(notes ? result.notes.map(toIssue) : [])];
}

/** One line per finding (`FILE:LINE: severity: message`), at most `maxPerKind` of each severity. */
export function formatCheckFindings(result: CheckResult, file: string, options: { maxPerKind?: number; notes?: boolean } = {}): string {
  const max = options.maxPerKind ?? Number.MAX_SAFE_INTEGER;
  const lines: string[] = [];
  const emit = (items: readonly Diagnostic[], kind: string): void => {
    for (const d of items.slice(0, max)) lines.push(`${file}${d.line !== undefined ? `:${d.line}` : ""}: ${d.severity}: ${d.message}`);
    if (items.length > max) lines.push(`${file}: … and ${items.length - max} more ${kind} (--json lists all)`);
  };
  emit(result.errors, "errors");
  emit(result.warnings, "warnings");
  if (options.notes) emit(result.notes, "notes");
  else if (result.notes.length > 0) {
    lines.push(`${file}: ${plural(result.notes.length, "value")} only the deployer can check (${result.notes.map((n) => n.key).join(", ")}); --verbose shows them`);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
