import type { CtyTypeJson } from "./schema";

/**
 * A cty type, the type system Terraform and its providers share, decoded from the JSON form a
 * provider schema uses (`"string"`, `["list", "string"]`, `["object", {"a": "number"}]`, …).
 */
export type CtyType =
  | { readonly kind: "string" | "number" | "bool" | "dynamic" }
  | { readonly kind: "list" | "set" | "map"; readonly element: CtyType }
  | { readonly kind: "object"; readonly attributes: Readonly<Record<string, CtyType>>; readonly optional: ReadonlySet<string> }
  | { readonly kind: "tuple"; readonly elements: readonly CtyType[] };

const PRIMITIVES = { string: { kind: "string" }, number: { kind: "number" }, bool: { kind: "bool" }, dynamic: { kind: "dynamic" } } as const;
const decoded = new WeakMap<object, CtyType>();

/** Decodes a cty JSON type; an unreadable one becomes `dynamic` so it never causes a false finding. */
export function parseCtyType(json: CtyTypeJson | undefined): CtyType {
  if (typeof json === "string") return (PRIMITIVES as Record<string, CtyType>)[json] ?? PRIMITIVES.dynamic;
  if (!Array.isArray(json)) return PRIMITIVES.dynamic;
  const cached = decoded.get(json);
  if (cached) return cached;
  const [kind, arg, optional] = json as [unknown, unknown, unknown];
  let type: CtyType = PRIMITIVES.dynamic;
  if (kind === "list" || kind === "set" || kind === "map") {
    type = { kind, element: parseCtyType(arg as CtyTypeJson) };
  } else if (kind === "object" && typeof arg === "object" && arg !== null) {
    const attributes: Record<string, CtyType> = {};
    for (const [name, t] of Object.entries(arg)) attributes[name] = parseCtyType(t as CtyTypeJson);
    type = { kind: "object", attributes, optional: new Set(Array.isArray(optional) ? (optional as string[]) : []) };
  } else if (kind === "tuple" && Array.isArray(arg)) {
    type = { kind: "tuple", elements: arg.map((t) => parseCtyType(t as CtyTypeJson)) };
  }
  decoded.set(json, type);
  return type;
}

/** `list of string`, `map of number`, `object {name, port}`. */
export function describeCtyType(type: CtyType): string {
  switch (type.kind) {
    case "list":
    case "set":
    case "map":
      return `${type.kind} of ${describeCtyType(type.element)}`;
    case "object":
      return `object {${Object.keys(type.attributes).join(", ")}}`;
    case "tuple":
      return `tuple [${type.elements.map(describeCtyType).join(", ")}]`;
    default:
      return type.kind;
  }
}

/** A problem with a literal value, relative to the attribute it was given for. */
export interface TypeProblem {
  /** Steps below the attribute: `[0]`, `.name`, `["key"]`. */
  readonly subPath: string;
  readonly message: string;
  readonly severity: "error" | "warning";
}

/** True for a string Terraform evaluates: it holds an interpolation or a template directive. */
export function isTemplate(value: string): boolean {
  return /(^|[^$%])[$%]\{/.test(value) || value.startsWith("${") || value.startsWith("%{");
}

/** The number grammar cty accepts when converting a string to a number. */
const CTY_NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

function keyStep(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Checks a literal JSON value against a cty type the way Terraform converts it:
 * - numbers and bools are accepted for strings (Terraform writes them as "5", "true");
 * - strings are accepted for numbers when they parse as one, and for bools when they are
 *   "true", "false", "1" or "0", exactly cty's conversions; anything else is an error;
 * - a bool where a number is expected is a warning: recent cty turns it into 1/0, older
 *   Terraform releases reject it, and it is a mistake either way;
 * - a number where a bool is expected is an error (no conversion exists);
 * - strings holding `${…}` or `%{…}` are unknown until apply and are not type-checked here
 *   (their references are checked separately); null is "unset" and always fits.
 */
export function checkLiteral(value: unknown, type: CtyType, subPath = "", out: TypeProblem[] = []): TypeProblem[] {
  if (value === null || value === undefined) return out;
  if (typeof value === "string" && isTemplate(value)) return out;
  const wrong = (severity: "error" | "warning", extra = "") =>
    out.push({ subPath, severity, message: `expected ${describeCtyType(type)}, got ${describeValue(value)}${extra}` });
  switch (type.kind) {
    case "dynamic":
      return out;
    case "string":
      if (typeof value === "object") wrong("error");
      return out;
    case "number":
      if (typeof value === "number") return out;
      if (typeof value === "string") {
        if (!CTY_NUMBER.test(value)) wrong("error", "; Terraform cannot convert it to a number");
      } else if (typeof value === "boolean") wrong("warning", "; write a number");
      else wrong("error");
      return out;
    case "bool":
      if (typeof value === "boolean") return out;
      if (typeof value === "string") {
        if (!["true", "false", "1", "0"].includes(value)) wrong("error", "; Terraform accepts only true/false (or \"true\"/\"false\")");
      } else wrong("error");
      return out;
    case "list":
    case "set":
      if (!Array.isArray(value)) {
        wrong("error");
        return out;
      }
      value.forEach((item, i) => checkLiteral(item, type.element, `${subPath}[${i}]`, out));
      return out;
    case "map":
      if (typeof value !== "object" || Array.isArray(value)) {
        wrong("error");
        return out;
      }
      for (const [key, item] of Object.entries(value)) checkLiteral(item, type.element, `${subPath}${keyStep(key)}`, out);
      return out;
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) {
        wrong("error");
        return out;
      }
      const given = value as Record<string, unknown>;
      for (const [name, attrType] of Object.entries(type.attributes)) {
        if (name in given) checkLiteral(given[name], attrType, `${subPath}${keyStep(name)}`, out);
        else if (!type.optional.has(name)) out.push({ subPath: `${subPath}${keyStep(name)}`, severity: "error", message: `missing object attribute "${name}" (${describeCtyType(attrType)})` });
      }
      for (const name of Object.keys(given)) {
        if (!(name in type.attributes)) out.push({ subPath: `${subPath}${keyStep(name)}`, severity: "warning", message: `not an attribute of ${describeCtyType(type)}; Terraform discards it` });
      }
      return out;
    }
    case "tuple":
      if (!Array.isArray(value)) wrong("error");
      else if (value.length !== type.elements.length) wrong("error", `; expected exactly ${type.elements.length} elements`);
      else value.forEach((item, i) => checkLiteral(item, type.elements[i]!, `${subPath}[${i}]`, out));
      return out;
  }
}
