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
 * For construct tests: checks the output of cdktf's `Testing.synth(stack)` (a JSON string) or a
 * parsed cdk.tf.json against the provider schema, and throws an Error listing every finding,
 * one per line, when there is any. Works with any test runner; returns the findings
 * (warnings included) when it passes.
 *
 * ```ts
 * expectStackMatchesSchema(Testing.synth(stack));
 * ```
 */
export function expectStackMatchesSchema(synthesized: string | object, options: ExpectStackOptions = {}): SchemaFinding[] {
  const tfJson: unknown = typeof synthesized === "string" ? JSON.parse(synthesized) : synthesized;
  const schema = options.schema ?? loadProviderSchema(defaultSchemaPath());
  const findings = checkSynthesizedStack(tfJson, schema, options);
  const failing = options.failOnWarnings ? findings : findings.filter((f) => f.severity === "error");
  if (failing.length > 0) {
    throw new Error(`synthesized stack does not match the provider schema (${failing.length} finding(s)):\n${failing.map(formatFinding).join("\n")}`);
  }
  return findings;
}
