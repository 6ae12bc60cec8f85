import { PyFloat } from "./pyjson";
/**
 * How Python prints values in Packstack's messages (`'%s' % value`, list reprs), so rdoctl's
 * messages read exactly like the ones Packstack prints.
 */

/** A value as Packstack holds it after processing: booleans come from `process_bool`, null is `None`. */
export type PackstackValue = string | boolean | null;

/** Python `str(value)`. */
export function pyStr(value: PackstackValue): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  return value;
}

/** Python `repr()` of a str. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of a list of str, e.g. `['y', 'n']`. */
export function pyListRepr(items: readonly string[]): string {
  return `[${items.map(pyRepr).join(", ")}]`;
}

/** Whether Python's `float()` accepts the string (decimal, exponent, inf/nan, underscores). */
export function isPythonFloat(text: string): boolean {
  const t = text.trim();
  const digits = "\\d(?:_?\\d)*";
  const number = `(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?`;
  return new RegExp(`^[+-]?(?:${number}|inf|infinity|nan)$`, "i").test(t);
}

/** Whether Python's `int()` accepts the string. */
export function isPythonInt(text: string): boolean {
  return /^\s*[+-]?\d(?:_?\d)*\s*$/.test(text);
}

/** Python `repr()` of a float. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  // Shortest digits, exponent form below 1e-4 and from 1e16, exponents of two digits at least.
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
    return value.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Python `repr()` of a value from {@link pythonJsonLoads} (floats arrive as {@link PyFloat}). */
export function pyReprJson(value: unknown): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return pyRepr(value);
  if (typeof value === "number") return String(value);
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map((v) => pyReprJson(v)).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyRepr(k)}: ${pyReprJson(v)}`)
      .join(", ")}}`;
  }
  return String(value);
}
