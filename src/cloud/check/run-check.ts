import * as fs from "node:fs";
import { checkSynthesizedStack } from "./check-stack";
import { countBySeverity, formatFinding, type SchemaFinding } from "./findings";
import { defaultSchemaPath, loadProviderSchema } from "./schema";
import { findSynthesizedStacks, readSynthesizedStack } from "./synth-output";

export interface RunCheckOptions {
  /** cdktf output directory, one stack's directory, or a cdk.tf.json file. @default the output directory cdktf.json names (`defaultSynthDir`) */
  readonly target?: string;
  /** @default providers/openstack/schema.json shipped with rdoctl */
  readonly schemaFile?: string;
  /** Warnings fail the check too. @default false */
  readonly strict?: boolean;
}

export interface CheckReport {
  readonly stacks: { readonly name: string; readonly file: string; readonly resources: number }[];
  readonly schema: string;
  readonly findings: SchemaFinding[];
  readonly errors: number;
  readonly warnings: number;
  readonly elapsedMs: number;
  /** 0 clean, 1 with failing findings. */
  readonly exitCode: number;
}

function countResources(tfJson: unknown): number {
  let n = 0;
  for (const section of ["resource", "data"]) {
    const byType = (tfJson as Record<string, unknown>)[section];
    if (typeof byType !== "object" || byType === null) continue;
    for (const byName of Object.values(byType)) if (typeof byName === "object" && byName !== null) n += Object.keys(byName).length;
  }
  return n;
}

/** Where `cdktf synth` writes: the `output` of ./cdktf.json when it sets one, else cdktf.out. */
export function defaultSynthDir(cdktfJson = "cdktf.json"): string {
  try {
    const output = (JSON.parse(fs.readFileSync(cdktfJson, "utf8")) as { output?: unknown }).output;
    if (typeof output === "string" && output !== "") return output;
  } catch {
    // No cdktf.json here, or not one we can read: cdktf's own default applies.
  }
  return "cdktf.out";
}

/** `rdoctl check`: every synthesized stack under the target against the provider schema. */
export function runCheck(options: RunCheckOptions = {}): CheckReport {
  const started = process.hrtime.bigint();
  const stacks = findSynthesizedStacks(options.target ?? defaultSynthDir());
  const schemaFile = options.schemaFile ?? defaultSchemaPath();
  const schema = loadProviderSchema(schemaFile);
  const findings: SchemaFinding[] = [];
  const summaries: CheckReport["stacks"] = [];
  for (const stack of stacks) {
    const tfJson = readSynthesizedStack(stack);
    summaries.push({ name: stack.name, file: stack.file, resources: countResources(tfJson) });
    findings.push(...checkSynthesizedStack(tfJson, schema, { file: stack.file }));
  }
  const { errors, warnings } = countBySeverity(findings);
  const failing = errors + (options.strict ? warnings : 0);
  return {
    stacks: summaries,
    schema: schemaFile,
    findings,
    errors,
    warnings,
    elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
    exitCode: failing > 0 ? 1 : 0,
  };
}

/** The human output: one line per finding, then a summary line. */
export function formatCheckReport(report: CheckReport): { findings: string; summary: string } {
  const resources = report.stacks.reduce((n, s) => n + s.resources, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const verdict = report.findings.length === 0 ? "no findings" : `${plural(report.errors, "error")}, ${plural(report.warnings, "warning")}`;
  return {
    findings: report.findings.map((f) => `${formatFinding(f)}\n`).join(""),
    summary: `rdoctl check: ${plural(report.stacks.length, "stack")} (${plural(resources, "resource")} and data sources) against ${report.schema}: ${verdict} (${report.elapsedMs.toFixed(0)} ms)\n`,
  };
}
