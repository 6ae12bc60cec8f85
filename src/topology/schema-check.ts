import type { ErrorObject, ValidateFunction } from "ajv";
import schema from "../../schema/inventory.schema.json";
import { didYouMean } from "./did-you-mean";
import * as generated from "./inventory-validator.generated";
import type { PathSegment, PendingIssue } from "./issues";

/**
 * Checks a parsed inventory against schema/inventory.schema.json and turns ajv's errors into
 * issues a person can act on: unknown keys with a did-you-mean, values with what was expected.
 * The validator is ajv's standalone code for the schema (see schema-compile.ts): no ajv
 * compilation at run time.
 */

/** The JSON Schema for inventories, as shipped in schema/. */
export const inventorySchema: unknown = schema;

/** Names people use for an allowed value that spelling distance would get wrong ("ovs" is one edit from "ovn"). */
const SYNONYMS: Readonly<Record<string, string>> = {
  ovs: "openvswitch",
  "open-vswitch": "openvswitch",
  open_vswitch: "openvswitch",
  lb: "linuxbridge",
  "linux-bridge": "linuxbridge",
  linux_bridge: "linuxbridge",
  "ml2/ovn": "ovn",
  "ml2/ovs": "openvswitch",
};

const compiled = (): ValidateFunction => generated.validate as unknown as ValidateFunction;

export interface SchemaCheck {
  readonly issues: PendingIssue[];
  /** Paths of keys the schema does not know; they mean nothing to the model. */
  readonly unknownKeys: PathSegment[][];
}

/** Issues for everything the schema rejects; [] when the value conforms. */
export function schemaIssues(value: unknown): PendingIssue[] {
  return checkSchema(value).issues;
}

export function checkSchema(value: unknown): SchemaCheck {
  if (value === null || value === undefined) {
    return { issues: [{ path: [], message: "the inventory is empty", expected: "a mapping with at least name and hosts" }], unknownKeys: [] };
  }
  const validate = compiled();
  if (validate(value)) return { issues: [], unknownKeys: [] };
  const errors = validate.errors ?? [];
  const issues: PendingIssue[] = [];
  const unknownKeys: PathSegment[][] = [];
  const suggestedKeys = new Set<string>();
  // Unknown keys first, so a "missing required key" they explain can be dropped.
  for (const error of errors) {
    if (error.keyword !== "additionalProperties") continue;
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
    const hint = didYouMean(key, allowed);
    if (hint) suggestedKeys.add(`${error.instancePath}/${hint.slice(hint.indexOf('"') + 1, hint.lastIndexOf('"'))}`);
    unknownKeys.push([...pointerToPath(error.instancePath), key]);
    issues.push({
      path: [...pointerToPath(error.instancePath), key],
      message: `unknown key "${key}"${hint}`,
      ...(hint ? {} : { expected: `one of ${allowed.join(", ")}` }),
      atKey: true,
    });
  }
  for (const error of errors) {
    if (error.keyword === "additionalProperties" || error.keyword === "propertyNames") continue;
    if (error.keyword === "required") {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      if (suggestedKeys.has(`${error.instancePath}/${missing}`)) continue;
      issues.push({ path: pointerToPath(error.instancePath), message: `missing required key "${missing}"`, atKey: true });
      continue;
    }
    issues.push(describe(error));
  }
  return { issues, unknownKeys };
}

function describe(error: ErrorObject): PendingIssue {
  const path = pointerToPath(error.instancePath);
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const expectedText = typeof parent["x-expected"] === "string" ? (parent["x-expected"] as string) : undefined;
  const data: unknown = error.data;
  if (error.propertyName !== undefined) {
    return {
      path: [...path, error.propertyName],
      message: `key "${error.propertyName}" is not valid`,
      ...(expectedText ? { expected: expectedText } : {}),
      atKey: true,
    };
  }
  switch (error.keyword) {
    case "type": {
      const want = (error.params as { type: string }).type;
      const scalar = data !== null && typeof data !== "object";
      return { path, message: scalar ? `${show(data)} is ${kindOf(data)}` : `found ${kindOf(data)}`, expected: withArticle(want) };
    }
    case "enum": {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const synonym = typeof data === "string" ? SYNONYMS[data.toLowerCase()] : undefined;
      const hint = synonym && allowed.includes(synonym) ? `; did you mean "${synonym}"?` : typeof data === "string" ? didYouMean(data, allowed) : "";
      return { path, message: `${show(data)} is not allowed${hint}`, expected: `one of ${allowed.join(", ")}` };
    }
    case "pattern":
    case "format":
      return { path, message: `${show(data)} is not valid`, expected: expectedText ?? `a value matching ${String(parent["pattern"] ?? parent["format"])}` };
    case "minimum":
    case "maximum":
      return { path, message: `${show(data)} is out of range`, expected: `an integer from ${String(parent["minimum"])} to ${String(parent["maximum"])}` };
    case "minItems":
      return { path, message: "the list is empty", expected: `at least ${(error.params as { limit: number }).limit} item(s)` };
    case "minLength":
      return { path, message: "the value is empty", expected: "a non-empty string" };
    case "uniqueItems": {
      const { i, j } = error.params as { i: number; j: number };
      const items = data as unknown[];
      return { path: [...path, i], message: `${show(items[i])} is listed twice (also at index ${j})`, expected: "each item once" };
    }
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((segment) => (/^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment));
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "object":
      return "a mapping";
    case "string":
      return "a string";
    case "number":
      return Number.isInteger(value) ? "an integer" : "a number";
    case "boolean":
      return "a boolean";
    default:
      return typeof value;
  }
}

function withArticle(type: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    array: "a list",
    string: "a string",
    integer: "an integer",
    number: "a number",
    boolean: "a boolean (true or false)",
  };
  return names[type] ?? type;
}

function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "the list";
  if (typeof value === "object") return "the mapping";
  // JSON has no Infinity: YAML's .inf or 1e400 would show as null.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}
