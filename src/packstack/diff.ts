import { RELEASES, type Release } from "../topology/model";
import { isSecretParam } from "./answers";
import { loadCatalog, type CatalogParam } from "./catalog";
import { parseIni } from "./ini";
import { RdoctlError } from "../errors";

/**
 * `rdoctl answers diff`: what changes between two releases' parameters (the upgrade helper), or
 * between two answer files. Secret values are never shown, only whether they differ.
 */

export type ChangeKind = "added" | "removed" | "choices" | "default" | "value";

export interface Change {
  readonly key: string;
  readonly change: ChangeKind;
  /** Old default/choices/value; undefined for added keys. */
  readonly from?: string;
  /** New default/choices/value; undefined for removed keys. */
  readonly to?: string;
}

export interface Diff {
  readonly from: string;
  readonly to: string;
  readonly changes: readonly Change[];
}

/** The default as the catalog comparison uses it: host-derived as template, generated as a note. */
function comparableDefault(param: CatalogParam): string | undefined {
  if (param.default_kind === "generated" || param.default_kind === "generated-secret") return undefined;
  if (param.default_kind === "host-derived") return param.default_template ?? param.default ?? "";
  return param.default ?? "";
}

function shownDefault(param: CatalogParam): string {
  const value = comparableDefault(param);
  return value === undefined ? "(generated)" : value;
}

export function diffReleases(from: Release, to: Release): Diff {
  const a = loadCatalog(from);
  const b = loadCatalog(to);
  const changes: Change[] = [];
  for (const param of b.orderedParams) {
    if (!a.byName.has(param.name)) changes.push({ key: param.name, change: "added", to: shownDefault(param) });
  }
  for (const param of a.orderedParams) {
    if (!b.byName.has(param.name)) changes.push({ key: param.name, change: "removed", from: shownDefault(param) });
  }
  for (const param of b.orderedParams) {
    const old = a.byName.get(param.name);
    if (!old) continue;
    if (old.option_list.join("\u0000") !== param.option_list.join("\u0000")) {
      changes.push({ key: param.name, change: "choices", from: old.option_list.join(", "), to: param.option_list.join(", ") });
    }
    const oldDefault = comparableDefault(old);
    const newDefault = comparableDefault(param);
    if (oldDefault !== undefined && newDefault !== undefined && oldDefault !== newDefault) {
      changes.push({ key: param.name, change: "default", from: oldDefault, to: newDefault });
    }
  }
  return { from, to, changes };
}

/** Keys that hold a password or key in any release. */
function secretKeys(): Set<string> {
  const keys = new Set<string>();
  for (const release of RELEASES) {
    for (const param of loadCatalog(release).params) if (isSecretParam(param) || param.masked) keys.add(param.name);
  }
  return keys;
}

function readValues(text: string, name: string): Map<string, string> {
  const doc = parseIni(text, name);
  if (doc.fatal) throw new RdoctlError(`${name}: not readable as an answer file: ${doc.fatal.replace(/\s*\n\s*/g, " ")}`);
  const general = doc.sections.get("general");
  if (!general) throw new RdoctlError(`${name}: no [general] section`);
  return new Map([...general.entries.values()].map((e) => [e.key.toUpperCase(), e.value] as const));
}

export function diffAnswerFiles(textA: string, nameA: string, textB: string, nameB: string): Diff {
  const a = readValues(textA, nameA);
  const b = readValues(textB, nameB);
  const secret = secretKeys();
  const show = (key: string, value: string): string => (secret.has(key) && value !== "" && value !== "PW_PLACEHOLDER" ? "(secret)" : value);
  const changes: Change[] = [];
  for (const [key, value] of b) if (!a.has(key)) changes.push({ key, change: "added", to: show(key, value) });
  for (const [key, value] of a) if (!b.has(key)) changes.push({ key, change: "removed", from: show(key, value) });
  for (const [key, value] of b) {
    const old = a.get(key);
    if (old === undefined || old === value) continue;
    changes.push(
      secret.has(key) && old !== "" && value !== ""
        ? { key, change: "value", from: "(secret)", to: "(another secret)" }
        : { key, change: "value", from: show(key, old), to: show(key, value) },
    );
  }
  return { from: nameA, to: nameB, changes };
}

function cell(text: string | undefined, width: number): string {
  const value = text === undefined ? "-" : text === "" ? "''" : text;
  return value.length > width ? `${value.slice(0, width - 1)}…` : value;
}

/** Whether there is anything to report; `rdoctl answers diff` exits 1 then, like diff(1). */
export function hasDifferences(diff: Diff): boolean {
  return diff.changes.length > 0;
}

/** How a count of each kind of change reads: "1 added key", "15 changed values". */
const COUNT_NOUNS: Readonly<Record<ChangeKind, readonly [string, string]>> = {
  added: ["added key", "added keys"],
  removed: ["removed key", "removed keys"],
  choices: ["key with other choices", "keys with other choices"],
  default: ["changed default", "changed defaults"],
  value: ["changed value", "changed values"],
};

/** A plain-text table: key, change, from, to. */
export function formatDiff(diff: Diff): string {
  if (diff.changes.length === 0) return `${diff.from} → ${diff.to}: no differences\n`;
  const counts = (["added", "removed", "choices", "default", "value"] as const)
    .map((kind) => [kind, diff.changes.filter((c) => c.change === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${COUNT_NOUNS[kind][n === 1 ? 0 : 1]}`)
    .join(", ");
  const rows = diff.changes.map((c) => [c.key, c.change, cell(c.from, 60), cell(c.to, 60)]);
  const header = ["key", "change", diff.from, diff.to];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [`${diff.from} → ${diff.to}: ${counts}`, line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}
