/**
 * How every command reports: one JSON envelope with `--json` (schema/cli-output.schema.json),
 * otherwise its own text on stdout and every problem on stderr, ending with `N problems`.
 * Fatal errors take the same path, so `--json` never ends in plain text and a script can rely
 * on `ok`, `exitCode` and `issues[].rule` whatever happened.
 */

export type IssueSeverity = "error" | "warning" | "note";

/** One problem, in the shape every command's `--json` output uses. */
export interface CliIssue {
  /** Stable name of the rule or kind of problem (e.g. `unknown-key`, `file-system`, `usage`). */
  readonly rule: string;
  readonly severity: IssueSeverity;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Field path in an inventory (`hosts[0].ssh.port`). */
  readonly path?: string;
  /** Answer-file key. */
  readonly key?: string;
  readonly expected?: string;
}

/** The fields every `--json` output has; command-specific fields sit beside them. */
export interface Envelope {
  /** The command as typed without arguments: `answers check`. */
  readonly command: string;
  /** True exactly when `exitCode` is 0. */
  readonly ok: boolean;
  readonly exitCode: number;
  readonly issues: readonly CliIssue[];
}

/** Exit codes rdoctl returns (README "Exit codes" lists the same). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  // 3-6: the stage where `rdoctl up`/`down` stopped (src/pipeline/data/exit-codes.json).
  internal: 70,
  interrupted: 130,
} as const;

/** `1 problem`, `3 problems`. */
export function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}

export function envelope(command: string, exitCode: number, issues: readonly CliIssue[], fields: Record<string, unknown> = {}): Envelope & Record<string, unknown> {
  const reserved = new Set(["command", "ok", "exitCode", "issues"]);
  const extra = Object.fromEntries(Object.entries(fields).filter(([key]) => !reserved.has(key)));
  return { command, ok: exitCode === 0, exitCode, issues, ...extra };
}

/**
 * Commands whose `--json` output is NDJSON (one event per line): their envelope is the last
 * line, compact, with `"type": "result"`.
 */
const NDJSON_COMMANDS: ReadonlySet<string> = new Set(["install", "up", "down", "destroy"]);

export function writeEnvelope(command: string, exitCode: number, issues: readonly CliIssue[], fields: Record<string, unknown> = {}): void {
  if (NDJSON_COMMANDS.has(command)) {
    process.stdout.write(`${JSON.stringify({ type: "result", ...envelope(command, exitCode, issues, fields) })}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(envelope(command, exitCode, issues, fields), null, 2)}\n`);
  }
}

/** Whether `--json` was asked for (before a `--`), even when the command line does not parse. */
export function wantsJson(argv: readonly string[]): boolean {
  for (const arg of argv.slice(2)) {
    if (arg === "--") return false;
    if (arg === "--json") return true;
  }
  return false;
}

/** The issues of an InventoryError (every problem of an inventory), as envelope issues. */
export function inventoryIssues(err: unknown): CliIssue[] | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const raw = (err as { issues?: unknown }).issues;
  if (!Array.isArray(raw)) return undefined;
  return raw.map((issue: { file?: string; line?: number; column?: number; path?: string; message: string; expected?: string; rule?: string }) => ({
    rule: issue.rule ?? (issue.path === "<yaml>" ? "yaml" : "schema"),
    severity: "error" as const,
    message: issue.message,
    ...(issue.file !== undefined ? { file: issue.file } : {}),
    ...(issue.line !== undefined ? { line: issue.line } : {}),
    ...(issue.column !== undefined ? { column: issue.column } : {}),
    ...(issue.path !== undefined ? { path: issue.path } : {}),
    ...(issue.expected !== undefined ? { expected: issue.expected } : {}),
  }));
}
