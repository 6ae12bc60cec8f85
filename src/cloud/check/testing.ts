import { checkSynthesizedStack, type CheckOptions } from "./check-stack";
import { formatFinding, type SchemaFinding } from "./findings";
import { defaultSchemaPath, loadProviderSchema, type ProviderSchema } from "./schema";

export interface ExpectStackOptions extends CheckOptions {
  /** @default providers/openstack/schema.json of this package, loaded once per process */
  readonly schema?: ProviderSchema;
  /** Fail on warnings too (unchecked providers, deprecated attributes, suspicious conversions). @default false */
  readonly failOnWarnings?: boolean;
}

/**
 * A cdktf TerraformStack as far as the checker needs it. Typed structurally so this module
 * never loads cdktf.
 */
export interface SynthesizableStack {
  toTerraform(): unknown;
}

function isSynthesizable(value: unknown): value is SynthesizableStack {
  return typeof value === "object" && value !== null && typeof (value as SynthesizableStack).toTerraform === "function";
}

/**
 * The findings for a stack given as a TerraformStack (its construct paths are then named in
 * every finding), as `Testing.synth(stack)` output (a JSON string), or as a parsed cdk.tf.json.
 */
export function findingsFor(stack: SynthesizableStack | string | object, options: ExpectStackOptions = {}): SchemaFinding[] {
  const tfJson: unknown = typeof stack === "string" ? JSON.parse(stack) : isSynthesizable(stack) ? stack.toTerraform() : stack;
  const schema = options.schema ?? loadProviderSchema(defaultSchemaPath());
  return checkSynthesizedStack(tfJson, schema, options);
}

/** The findings that fail a check: errors, and warnings when asked to. */
export function failingFindings(findings: readonly SchemaFinding[], failOnWarnings = false): SchemaFinding[] {
  return failOnWarnings ? [...findings] : findings.filter((f) => f.severity === "error");
}

/**
 * For construct tests: checks a stack against the provider schema and throws an Error listing
 * every failing finding, one per line. Works with any test runner; returns all findings
 * (warnings included) when it passes.
 *
 * ```ts
 * expectStackMatchesSchema(stack);                 // TerraformStack: findings name construct paths
 * expectStackMatchesSchema(Testing.synth(stack));  // the JSON string works too
 * ```
 */
export function expectStackMatchesSchema(stack: SynthesizableStack | string | object, options: ExpectStackOptions = {}): SchemaFinding[] {
  const findings = findingsFor(stack, options);
  const failing = failingFindings(findings, options.failOnWarnings);
  if (failing.length > 0) {
    throw new Error(`synthesized stack does not match the provider schema (${failing.length} finding(s)):\n${failing.map(formatFinding).join("\n")}`);
  }
  return findings;
}
