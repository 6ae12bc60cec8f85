import { closest } from "../topology/did-you-mean";
import { RELEASES, type Release } from "../topology/model";
import { isSecretParam } from "./answers";
import { loadCatalog, type LoadedCatalog } from "./catalog";
import { BYTE_ORDER_MARK, iniGet, parseIni, type IniDocument } from "./ini";
import { loadAnswers, packstackDefault, resolveTemplate, type HostFacts, type LoadFailure } from "./load";

/**
 * `rdoctl answers check`: reads an answer file as the given Packstack release would and says
 * whether that Packstack accepts it (`accepted`, with Packstack's own message when it does not),
 * and also what Packstack would silently ignore or fill in: unknown keys (with a did-you-mean),
 * keys of other releases, other sections, inline comments, missing keys, deprecated names.
 */

export type Severity = "error" | "warning" | "note";

/**
 * What a finding does to the install: Packstack stops (`rejects`), reads less than the file
 * says (`ignored`: unknown keys, other sections, a deprecated name shadowed by its new one), or
 * reads a value other than the one written (`misread`: an inline comment). Other findings
 * (missing keys taking defaults, deprecated names read as their new ones) have no effect.
 */
export type Effect = "rejects" | "ignored" | "misread";

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable identifier of the kind of finding, e.g. `unknown-key`. */
  readonly code: string;
  readonly message: string;
  readonly line?: number;
  readonly key?: string;
  readonly effect?: Effect;
}

/**
 * The one verdict every output derives from: `rejected` (Packstack cannot load the file, refuses
 * a value, or stops at a setup step on one), `accepted-with-ignored` (it loads the file but
 * ignores or misreads part of it), `accepted` (it reads the file as written).
 */
export type CheckOutcome = "accepted" | "accepted-with-ignored" | "rejected";

export interface CheckCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly notes: number;
  /** Findings that make Packstack stop. */
  readonly rejecting: number;
  /** Keys, sections and names Packstack silently skips. */
  readonly ignored: number;
  /** Values Packstack reads other than written. */
  readonly misread: number;
}

export interface CheckResult {
  readonly release: Release;
  readonly outcome: CheckOutcome;
  /**
   * Whether Packstack of that release would load the file and get through its setup steps'
   * value checks (`outcome !== "rejected"`).
   */
  readonly accepted: boolean;
  /** What Packstack prints when it stops (`Parameter KEY failed validation: …`): the first of the rejecting findings. */
  readonly packstackError?: string;
  readonly counts: CheckCounts;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
  /** What could not be checked away from the deployer (files, reachability). */
  readonly notes: readonly Diagnostic[];
}

export interface CheckOptions {
  /** Unknown keys and keys of other releases become warnings. @default false */
  readonly allowUnknown?: boolean;
  /** Names the file in Packstack-style messages. @default "<answer file>" */
  readonly source?: string;
  /** Facts used for host-derived defaults of missing keys. @default the catalog's pins */
  readonly hostFacts?: HostFacts;
}

const SECTION = "general";

/** Releases whose catalogs have `key` (upper-cased), in release order. */
function releasesWith(key: string): Release[] {
  return RELEASES.filter((r) => loadCatalog(r).byUpperName.has(key));
}

function deprecatedNames(catalog: LoadedCatalog): Map<string, string> {
  return new Map(catalog.params.flatMap((p) => p.deprecates.map((old) => [old.toUpperCase(), p.name] as const)));
}

/** A value whose text after whitespace starts like a comment: configparser keeps it in the value. */
const INLINE_COMMENT = /\s[#;]/;

export function checkAnswerFile(text: string, release: Release, options: CheckOptions = {}): CheckResult {
  const catalog = loadCatalog(release);
  const source = options.source ?? "<answer file>";
  const doc: IniDocument = parseIni(text, source);
  const diagnostics: Diagnostic[] = [];
  const add = (d: Diagnostic): void => {
    diagnostics.push(d);
  };
  const unknownSeverity: Severity = options.allowUnknown ? "warning" : "error";
  let packstackError: string | undefined;

  for (const problem of doc.problems) {
    if (problem.kind === "duplicate-key") {
      const first = doc.sections.get(problem.section!)?.entries.get(problem.key!.toLowerCase());
      add({
        severity: "error",
        code: "duplicate-key",
        line: problem.line,
        key: problem.key!,
        message: `${problem.key} is set again (first at line ${first?.line ?? "?"}); Packstack stops reading: ${problem.message}`,
        effect: "rejects",
      });
    } else if (problem.kind === "missing-section" && problem.line === 1 && text.startsWith(BYTE_ORDER_MARK)) {
      add({
        severity: "error",
        code: "byte-order-mark",
        line: 1,
        message: `the file starts with a byte-order mark (BOM): Packstack reads it as text before "[${SECTION}]", finds no section header and stops; save the file as UTF-8 without a BOM`,
        effect: "rejects",
      });
    } else if (problem.kind === "missing-section") {
      add({
        severity: "error",
        code: "missing-section",
        line: problem.line,
        message: `a key comes before any section header; the file must start with [${SECTION}] (comments may precede it)`,
        effect: "rejects",
      });
    } else if (problem.kind === "duplicate-section") {
      add({ severity: "error", code: "duplicate-section", line: problem.line, message: `section [${problem.section}] appears twice; Packstack stops reading`, effect: "rejects" });
    } else {
      add({ severity: "error", code: "syntax", line: problem.line, message: `not a KEY=value line, comment or section header ${problem.message}`, effect: "rejects" });
    }
  }
  if (doc.fatal) packstackError = `Failed handling answer file: ${doc.fatal}`;

  for (const section of doc.sections.values()) {
    if (section.name === SECTION) continue;
    add({
      severity: "error",
      code: "other-section",
      line: section.line,
      message: `section [${section.name}] (${plural(section.entries.size, "key")}) is ignored by Packstack, which reads only [${SECTION}]`,
      effect: "ignored",
    });
  }
  for (const entry of doc.defaults.values()) {
    add({
      severity: "warning",
      code: "default-section",
      line: entry.line,
      key: entry.key,
      message: `${entry.key} is in [DEFAULT]; configparser shows [DEFAULT] keys in every section, so Packstack reads it`,
    });
  }

  const general = doc.sections.get(SECTION);
  if (!general && !doc.fatal) {
    packstackError = `Failed handling answer file: No section: '${SECTION}'`;
    add({ severity: "error", code: "missing-section", message: `no [${SECTION}] section: Packstack stops with "No section: '${SECTION}'"`, effect: "rejects" });
  }

  const deprecated = deprecatedNames(catalog);
  const entries = [...(general?.entries.values() ?? []), ...doc.defaults.values()];
  for (const entry of entries) {
    const upper = entry.key.toUpperCase();
    if (INLINE_COMMENT.test(entry.value)) {
      add({
        severity: "error",
        code: "inline-comment",
        line: entry.line,
        key: entry.key,
        message: `${entry.key} has a comment after its value: Packstack has no inline comments, so the value is ${JSON.stringify(entry.value)}; put the comment on a line of its own`,
        effect: "misread",
      });
    }
    if (catalog.byUpperName.has(upper)) continue;
    const replacement = deprecated.get(upper);
    if (replacement) {
      const newEntry = general?.entries.get(replacement.toLowerCase());
      add(
        newEntry
          ? {
              severity: "error",
              code: "deprecated-key",
              line: entry.line,
              key: entry.key,
              message: `${entry.key} is a deprecated name of ${replacement}, which is also set (line ${newEntry.line}); Packstack ignores ${entry.key}`,
              effect: "ignored",
            }
          : {
              severity: "warning",
              code: "deprecated-key",
              line: entry.line,
              key: entry.key,
              message: `${entry.key} is a deprecated name; Packstack ${release} reads it as ${replacement}: write ${replacement}`,
            },
      );
      continue;
    }
    const elsewhere = releasesWith(upper);
    if (elsewhere.length > 0) {
      add({
        severity: unknownSeverity,
        code: "other-release-key",
        line: entry.line,
        key: entry.key,
        message: `${entry.key} is not a parameter of Packstack ${release} (only of ${elsewhere.join(", ")}); Packstack ${release} ignores it silently`,
        effect: "ignored",
      });
      continue;
    }
    const suggestion = closest(entry.key, catalog.byName.keys());
    add({
      severity: unknownSeverity,
      code: "unknown-key",
      line: entry.line,
      key: entry.key,
      message: `unknown key ${entry.key}: Packstack ${release} ignores it silently${suggestion ? `; did you mean ${suggestion}?` : ""}`,
      effect: "ignored",
    });
  }

  const facts = options.hostFacts ?? catalog.pins;
  if (general && !doc.fatal) {
    const lookup = (key: string): string | undefined => iniGet(doc, SECTION, key);
    const result = loadAnswers(catalog, lookup, { hostFacts: facts });
    if (result.failure) {
      packstackError =
        result.failure.stage === "answer-file" ? `Failed handling answer file: ${result.failure.message}` : result.failure.message;
    }
    // Packstack prints the first; an operator fixing the file wants them all at once.
    for (const failure of result.failures) {
      const line = failure.key ? general.entries.get(failure.key.toLowerCase())?.line : undefined;
      add({
        severity: "error",
        code: FAILURE_CODES[failure.stage],
        ...(line !== undefined ? { line } : {}),
        ...(failure.key ? { key: failure.key } : {}),
        message: failure.message,
        effect: "rejects",
      });
    }
    // Values Packstack replaces after loading: the file says one thing, the cloud gets another.
    for (const rewrite of result.rewrites) {
      const entry = general.entries.get(rewrite.key.toLowerCase());
      if (!entry) continue;
      add({
        severity: "error",
        code: "rewritten",
        line: entry.line,
        key: rewrite.key,
        message: `${entry.key}=${rewrite.from} is not what Packstack uses: ${rewrite.why}`,
        effect: "misread",
      });
    }
    const usedDeprecated = new Set(result.deprecatedUsed.map((d) => d.key));
    for (const key of result.defaulted) {
      if (usedDeprecated.has(key)) continue;
      const param = catalog.byName.get(key)!;
      const fallback =
        param.default_kind === "host-derived"
          ? `${JSON.stringify(resolveTemplate(param.default_template ?? "", DESCRIBED_HOST_FACTS))}, taken from the machine it runs on`
          : param.default_kind === "generated" || param.default_kind === "generated-secret"
            ? "a value drawn at random on every run"
            : `its default ${JSON.stringify(packstackDefault(param, facts, () => ""))}`;
      add({ severity: "warning", code: "missing-key", key, message: `${key} is missing; Packstack uses ${fallback}` });
    }
    const defaultPassword = result.config.get("CONFIG_DEFAULT_PASSWORD");
    for (const param of catalog.orderedParams) {
      if (!result.config.has(param.name) || !param.processors.includes("process_password")) continue;
      const entry = general.entries.get(param.name.toLowerCase());
      if (entry?.value === "PW_PLACEHOLDER" && !defaultPassword) {
        add({
          severity: "warning",
          code: "random-password",
          line: entry.line,
          key: param.name,
          message: `${param.name}=PW_PLACEHOLDER: Packstack draws a new random password on every run`,
        });
      }
    }
    for (const note of result.notes) {
      const line = general.entries.get(note.key.toLowerCase())?.line;
      add({ severity: "note", code: "offline", key: note.key, ...(line !== undefined ? { line } : {}), message: `${note.key}: ${note.message}` });
    }
  }

  // Findings go to terminals and CI logs: a password of the file never appears in them.
  const secrets = [...(general?.entries.values() ?? [])]
    .filter((e) => {
      const param = catalog.byUpperName.get(e.key.toUpperCase());
      return param !== undefined && (isSecretParam(param) || param.masked) && e.value.length >= 4 && e.value !== "PW_PLACEHOLDER";
    })
    .map((e) => e.value)
    .sort((a, b) => b.length - a.length);
  const redact = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join("********"), text);
  for (let i = 0; i < diagnostics.length; i++) diagnostics[i] = { ...diagnostics[i]!, message: redact(diagnostics[i]!.message) };
  if (packstackError !== undefined) packstackError = redact(packstackError);

  const byLine = (a: Diagnostic, b: Diagnostic): number => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER);
  const errors = diagnostics.filter((d) => d.severity === "error").sort(byLine);
  const warnings = diagnostics.filter((d) => d.severity === "warning").sort(byLine);
  const notes = diagnostics.filter((d) => d.severity === "note").sort(byLine);
  const withEffect = (effect: Effect): number => diagnostics.filter((d) => d.effect === effect).length;
  const counts: CheckCounts = {
    errors: errors.length,
    warnings: warnings.length,
    notes: notes.length,
    rejecting: withEffect("rejects"),
    ignored: withEffect("ignored"),
    misread: withEffect("misread"),
  };
  const rejected = packstackError !== undefined || counts.rejecting > 0;
  if (rejected && packstackError === undefined) packstackError = diagnostics.find((d) => d.effect === "rejects")!.message;
  const outcome: CheckOutcome = rejected ? "rejected" : counts.ignored + counts.misread > 0 ? "accepted-with-ignored" : "accepted";
  return {
    release,
    outcome,
    accepted: !rejected,
    ...(packstackError !== undefined ? { packstackError } : {}),
    counts,
    errors,
    warnings,
    notes,
  };
}

/**
 * Checks an answer file from its bytes, read as Packstack's `open()` reads them: UTF-8, strictly
 * (its locale is UTF-8 on the hosts it supports, and Python coerces the C locale to it), a
 * byte-order mark kept as text. Bytes that are not UTF-8 stop Packstack before it reads a key.
 */
export function checkAnswerFileBytes(bytes: Uint8Array, release: Release, options: CheckOptions = {}): CheckResult {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const { offset, reason } = firstUtf8Error(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    const byte = `0x${bytes[offset]!.toString(16).padStart(2, "0")}`;
    // Python decodes in chunks of 8192 bytes; the position is within the chunk.
    const packstackError = `Failed handling answer file: 'utf-8' codec can't decode byte ${byte} in position ${offset % 8192}: ${reason}`;
    const problem: Diagnostic = {
      severity: "error",
      code: "encoding",
      line,
      message: `byte ${byte} on line ${line} is not UTF-8 (${reason}): Packstack reads answer files as UTF-8 and stops; save the file as UTF-8`,
      effect: "rejects",
    };
    return {
      release,
      outcome: "rejected",
      accepted: false,
      packstackError,
      counts: { errors: 1, warnings: 0, notes: 0, rejecting: 1, ignored: 0, misread: 0 },
      errors: [problem],
      warnings: [],
      notes: [],
    };
  }
  return checkAnswerFile(text, release, options);
}

/** Where and why CPython's utf-8 codec stops, in its words. */
function firstUtf8Error(bytes: Uint8Array): { offset: number; reason: string } {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return { offset: i, reason: "invalid start byte" };
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return { offset: i, reason: "unexpected end of data" };
      const c = bytes[i + k]!;
      // The second byte's range depends on the first (no overlongs, no surrogates, nothing past U+10FFFF).
      const [lo, hi] = k > 1 ? [0x80, 0xbf] : b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      if (c < lo || c > hi) return { offset: i, reason: "invalid continuation byte" };
    }
    i += length;
  }
  return { offset: bytes.length, reason: "unexpected end of data" };
}

const FAILURE_CODES: Readonly<Record<LoadFailure["stage"], string>> = {
  validation: "invalid-value",
  "answer-file": "invalid-value",
  "post-load": "rejected",
  step: "fails-at-step",
};

/** Host-derived defaults in words: never a raw `{deployer_ip}` in a message. */
const DESCRIBED_HOST_FACTS: HostFacts = {
  deployer_ip: "<IP address of the machine running Packstack>",
  deployer_hostname: "<host name of the machine running Packstack>",
  home: "<home directory of the user running Packstack>",
};

/** "1 key", "3 keys". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** The verdict as one sentence: "Packstack 2025.1 would accept edited.txt but silently ignore 3 keys". */
export function verdictSentence(result: CheckResult, file: string): string {
  const packstack = `Packstack ${result.release}`;
  const { counts } = result;
  if (result.outcome === "rejected") {
    const others = counts.rejecting - 1;
    return `${packstack} would reject ${file}: ${result.packstackError}${others > 0 ? ` (and ${plural(others, "other problem")})` : ""}`;
  }
  if (result.outcome === "accepted-with-ignored") {
    const parts = [
      ...(counts.ignored > 0 ? [`silently ignore ${plural(counts.ignored, "part")}`] : []),
      ...(counts.misread > 0 ? [`read ${plural(counts.misread, "value")} other than written`] : []),
    ];
    return `${packstack} would accept ${file} but ${parts.join(" and ")}`;
  }
  return `${packstack} would accept ${file} as written${counts.warnings > 0 ? ` (${plural(counts.warnings, "warning")})` : ""}`;
}

/** Human-readable report, one finding per line (`FILE:LINE: severity: message`). */
export function formatCheckResult(result: CheckResult, file: string, options: { maxPerKind?: number; notes?: boolean } = {}): string {
  const max = options.maxPerKind ?? Number.MAX_SAFE_INTEGER;
  const lines: string[] = [];
  const emit = (items: readonly Diagnostic[]): void => {
    for (const d of items.slice(0, max)) lines.push(`${file}${d.line !== undefined ? `:${d.line}` : ""}: ${d.severity}: ${d.message}`);
    if (items.length > max) lines.push(`${file}: … and ${plural(items.length - max, `more ${items[0]!.severity}`, `more ${items[0]!.severity}s`)} (--json lists all)`);
  };
  emit(result.errors);
  emit(result.warnings);
  if (options.notes) emit(result.notes);
  else if (result.notes.length > 0) {
    lines.push(`${file}: ${plural(result.notes.length, "value")} only the deployer can check (${result.notes.map((n) => n.key).join(", ")}); --verbose shows them`);
  }
  lines.push(verdictSentence(result, file));
  return `${lines.join("\n")}\n`;
}
