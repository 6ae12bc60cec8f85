import { formatFinding } from "./findings";
import { failingFindings, findingsFor, type ExpectStackOptions, type SynthesizableStack } from "./testing";

/** A TerraformStack as far as adding a validation needs it; structural so cdktf is not loaded here. */
export interface ValidatableStack extends SynthesizableStack {
  readonly node: { addValidation(validation: { validate(): string[] }): void };
}

/**
 * Makes `cdktf synth` (and `Testing.synth(stack, true)`) fail when the stack does not match the
 * provider schema: every failing finding becomes a validation error of the stack.
 */
export function addSchemaValidation(stack: ValidatableStack, options: ExpectStackOptions = {}): void {
  stack.node.addValidation({
    validate: () => failingFindings(findingsFor(stack, options), options.failOnWarnings).map(formatFinding),
  });
}
