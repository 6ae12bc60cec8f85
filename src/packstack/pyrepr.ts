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
