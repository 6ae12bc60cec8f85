/** Checking synthesized cdktf stacks against the provider schema. */
export { checkSynthesizedStack, type CheckOptions } from "./check-stack";
export { formatFinding, countBySeverity, type SchemaFinding, type FindingRule } from "./findings";
export { ProviderSchema, loadProviderSchema, parseProviderSchema, defaultSchemaPath, type ProviderSchemaDocument } from "./schema";
export { findSynthesizedStacks, readSynthesizedStack, type SynthesizedStack } from "./synth-output";
export { expectStackMatchesSchema, findingsFor, type ExpectStackOptions, type SynthesizableStack } from "./testing";
export { addSchemaValidation, type ValidatableStack } from "./validation";
export { runCheck, formatCheckReport, type RunCheckOptions, type CheckReport } from "./run-check";
