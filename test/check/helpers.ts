import * as fs from "node:fs";
import * as path from "node:path";
import { checkSynthesizedStack, formatFinding, parseProviderSchema, type ProviderSchema, type SchemaFinding } from "../../src/cloud/check";

const FIXTURES = path.join(__dirname, "fixtures");

/** The hand-written schema in the format of `terraform providers schema -json`. */
export const miniSchema: ProviderSchema = parseProviderSchema(fs.readFileSync(path.join(FIXTURES, "mini-schema.json"), "utf8"), "mini-schema.json");

/** A fresh, mutable copy of a fixture stack. */
export function fixtureStack(name: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, "stacks", `${name}.json`), "utf8")) as Record<string, any>;
}

/** Checks a stack and returns its findings as the lines the CLI prints. */
export function lines(tfJson: unknown, schema: ProviderSchema = miniSchema): string[] {
  return checkSynthesizedStack(tfJson, schema).map(formatFinding);
}

export function errors(tfJson: unknown, schema: ProviderSchema = miniSchema): SchemaFinding[] {
  return checkSynthesizedStack(tfJson, schema).filter((f) => f.severity === "error");
}
