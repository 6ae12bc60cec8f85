import type { CheckResult, Diagnostic } from "../packstack/check";
import { plural, type CliIssue } from "./output";

/**
 * `rdoctl answers check`'s verdict: one sentence, the exit code and `--json` all derived here
 * from the same result, so they can never disagree. Exit 0 only when Packstack would accept
 * the file and read every line as written.
 */

/** Findings by which Packstack reads less than the file says. */
const IGNORED = new Set(["unknown-key", "other-release-key", "other-section"]);
/** Findings by which Packstack reads a value other than the one written. */
const MISREAD = new Set(["inline-comment", "default-section"]);

export interface CheckVerdict {
  readonly exitCode: 0 | 1;
  readonly text: string;
}

export function checkVerdict(result: CheckResult, file: string): CheckVerdict {
  const packstack = `Packstack ${result.release}`;
  if (!result.accepted) {
    const others = result.errors.length - (result.packstackError !== undefined && result.errors.length > 0 ? 1 : 0);
    // Packstack's message may span lines (configparser quotes the offending line): keep one.
    const why = result.packstackError !== undefined ? `: ${result.packstackError.replace(/\s*\n\s*/g, " ")}` : "";
    return { exitCode: 1, text: `${packstack} would reject ${file}${why}${others > 0 ? ` (and ${plural(others, "other problem")})` : ""}` };
  }
  if (result.errors.length > 0) {
    const ignored = result.errors.filter((d) => IGNORED.has(d.code)).length;
    const misread = result.errors.filter((d) => MISREAD.has(d.code)).length;
    const other = result.errors.length - ignored - misread;
    const parts = [
      ...(ignored > 0 ? [`silently ignore ${plural(ignored, "key")}`] : []),
      ...(misread > 0 ? [`read ${plural(misread, "value")} other than written`] : []),
      ...(other > 0 ? [`have ${plural(other, "other problem")}`] : []),
    ];
    return { exitCode: 1, text: `${packstack} would accept ${file} but ${joinAnd(parts)}` };
  }
  const how = result.warnings.length > 0 ? `, with ${plural(result.warnings.length, "warning")}` : " as written";
  return { exitCode: 0, text: `${packstack} would accept ${file}${how}` };
}

function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
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
    lines.push(`${file}: ${plural(result.notes.length, "thing")} only the deployer can check (${result.notes.map((n) => n.key).join(", ")}); --verbose shows them`);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
