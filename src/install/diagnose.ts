import * as path from "node:path";
import knownErrors from "./data/known-errors.json";

/** What a failed Packstack run left behind, as text. */
export interface DiagnoseInput {
  /** Packstack's console output (the detached run's log). */
  readonly output: string;
  /** Packstack's exit status; null when unknown (the run was killed). */
  readonly exitCode: number | null;
  /**
   * Files of the fetched log directory, by path relative to it (e.g.
   * `manifests/10.0.0.11_controller.pp.log`, `openstack-setup.log`).
   */
  readonly files?: Readonly<Record<string, string>>;
  /** Local folder the log directory was fetched into. */
  readonly localLogDir?: string;
}

export interface Diagnosis {
  readonly failed: boolean;
  /** Title of the step that printed `[ ERROR ]` (the last one), if any. */
  readonly failingStep?: string;
  /** `<host>_<role>.pp` whose Puppet run failed. */
  readonly manifest?: string;
  readonly manifestHost?: string;
  readonly manifestRole?: string;
  /** Packstack's `ERROR : …` message. */
  readonly message?: string;
  /** The relevant `Error:` lines of the manifest's Puppet log (or of the output). */
  readonly errorLines: readonly string[];
  /** Packstack's log directory on the deployer. */
  readonly remoteLogDir?: string;
  /** Where the fetched logs are, locally. */
  readonly localLogDir?: string;
  /** Local path of the failing manifest's Puppet log. */
  readonly manifestLog?: string;
  /** What to try next, from the known-errors table (most specific first), then generic. */
  readonly advice: readonly string[];
}

/** ANSI colour codes, as Packstack prints around `[ DONE ]`/`[ ERROR ]`. */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}

/** A finished Packstack line: its title, then `[ DONE ]`, `[ ERROR ]` or `[ SKIPPED ]`. */
export const STATUS_LINE = /^(.*?)\s*\[\s*(DONE|ERROR|SKIPPED)\s*\]\s*$/;
const MANIFEST = /([A-Za-z0-9_.:-]+)_(controller|network|compute|controller_post|[a-z_]+)\.pp/;
const MAX_ERROR_LINES = 8;

interface KnownError {
  readonly id: string;
  readonly pattern: string;
  readonly advice: string;
}

/**
 * Explains a Packstack failure from its output and fetched logs. Pure: no I/O, so it can be
 * tested on recorded logs and rerun on old artifacts.
 */
export function diagnose(input: DiagnoseInput): Diagnosis {
  const lines = stripAnsi(input.output).split("\n").map((l) => l.replace(/\r$/, ""));
  let failingStep: string | undefined;
  let anyErrorStep = false;
  for (const line of lines) {
    const m = STATUS_LINE.exec(line);
    if (m && m[2] === "ERROR") {
      anyErrorStep = true;
      const title = (m[1] ?? "").trim().replace(/:$/, "");
      // "<host>_<role>.pp: [ ERROR ]" precedes "Applying Puppet manifests [ ERROR ]": keep the step.
      if (!MANIFEST.test(title) || !failingStep) failingStep = title;
    }
  }
  const messageLine = lines.find((l) => /^ERROR\s*:/.test(l.trim()));
  const message = messageLine?.trim().replace(/^ERROR\s*:\s*/, "");
  // A null exit code (killed, host gone) is a failure too.
  const failed = anyErrorStep || Boolean(messageLine) || input.exitCode !== 0;

  let manifest: string | undefined;
  const puppetRun = lines.find((l) => /Error appeared during Puppet run:/.test(l));
  const fromMessage = puppetRun ? MANIFEST.exec(puppetRun) : undefined;
  const fromStep = lines.map((l) => STATUS_LINE.exec(l)).find((m) => m && m[2] === "ERROR" && MANIFEST.test(m[1] ?? ""));
  const manifestMatch = fromMessage ?? (fromStep ? MANIFEST.exec(fromStep[1] ?? "") : undefined);
  if (manifestMatch) manifest = manifestMatch[0];

  const logDirLine = lines.map((l) => /(\/var\/tmp\/packstack\/[^\s/]+)\/openstack-setup\.log/.exec(l)).find(Boolean);
  const remoteLogDir = logDirLine ? logDirLine[1] : undefined;

  // The manifest's own Puppet log has the full story; the console has its first line.
  const manifestLogKey = manifest
    ? Object.keys(input.files ?? {}).find((k) => path.basename(k) === `${manifest}.log`)
    : undefined;
  const manifestLogText = manifestLogKey ? input.files![manifestLogKey]! : undefined;
  const errorSource = manifestLogText ?? lines.join("\n");
  const errorLines = relevantErrorLines(stripAnsi(errorSource));

  const haystack = [message ?? "", ...errorLines].join("\n");
  const advice = (knownErrors.patterns as KnownError[])
    .filter((k) => new RegExp(k.pattern, "i").test(haystack))
    .map((k) => k.advice);
  if (failed) {
    if (input.exitCode === null && !messageLine) {
      advice.push("Packstack did not finish (killed, or its host went down): rerun `rdoctl install` to start it again.");
    }
    advice.push("After fixing the cause, rerun `rdoctl install`: finished phases are skipped and Packstack runs again (its Puppet runs are idempotent).");
  }

  return {
    failed,
    failingStep,
    manifest,
    manifestHost: manifestMatch?.[1],
    manifestRole: manifestMatch?.[2],
    message,
    errorLines,
    remoteLogDir,
    localLogDir: input.localLogDir,
    manifestLog: manifestLogKey && input.localLogDir ? path.join(input.localLogDir, manifestLogKey) : undefined,
    advice: [...new Set(advice)],
  };
}

/** `Error:` lines (Puppet's), de-duplicated, at most a screenful. */
function relevantErrorLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    // Puppet log lines may carry a timestamp prefix: "2025-01-01 10:00:00 +0000 Error: ...".
    const m = /(?:^|\s)(Error: .*)$/.exec(line);
    if (!m || !m[1]) continue;
    if (!out.includes(m[1])) out.push(m[1]);
  }
  // The last lines are usually the consequence; the first ones the cause: keep the first.
  return out.slice(0, MAX_ERROR_LINES);
}

/** Human-readable diagnosis, as the CLI prints it. */
export function formatDiagnosis(d: Diagnosis): string {
  const out: string[] = ["Packstack failed."];
  if (d.failingStep) out.push(`  failing step:  ${d.failingStep}`);
  if (d.manifest) out.push(`  manifest:      ${d.manifest}${d.manifestHost ? ` (host ${d.manifestHost}, role ${d.manifestRole})` : ""}`);
  if (d.message) out.push(`  message:       ${d.message}`);
  if (d.errorLines.length) {
    out.push("  errors:");
    for (const l of d.errorLines) out.push(`    ${l}`);
  }
  if (d.manifestLog) out.push(`  manifest log:  ${d.manifestLog}`);
  if (d.localLogDir) out.push(`  all logs:      ${d.localLogDir}`);
  else if (d.remoteLogDir) out.push(`  logs (on the deployer): ${d.remoteLogDir}`);
  if (d.advice.length) {
    out.push("  what to try next:");
    for (const a of d.advice) out.push(`    - ${a}`);
  }
  return out.join("\n");
}
