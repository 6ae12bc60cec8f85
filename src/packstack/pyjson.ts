/**
 * Python's `json.loads`, for the one place Packstack parses JSON from an answer file
 * (CONFIG_PROVISION_DEMO_ALLOCATION_POOLS): the same accepted inputs (NaN and Infinity
 * included) and the same error messages with positions, e.g.
 * `Expecting value: line 1 column 1 (char 0)`, so a rejection reads as Packstack prints it.
 */

/** A JSON number Python reads as a float (it has a fraction or exponent, or is NaN/Infinity). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyJsonResult = { readonly value: unknown } | { readonly error: string };

class DecodeError extends Error {
  constructor(message: string, text: string, position: number) {
    const line = text.slice(0, position).split("\n").length;
    const lastNewline = text.lastIndexOf("\n", position - 1);
    const column = position - lastNewline;
    super(`${message}: line ${line} column ${column} (char ${position})`);
  }
}

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

function skip(text: string, position: number): number {
  WHITESPACE.lastIndex = position;
  WHITESPACE.exec(text);
  return WHITESPACE.lastIndex;
}

/** Parses one value at `position`; null means "no value starts here" (Python's StopIteration). */
function scan(text: string, position: number): [unknown, number] | null {
  const ch = text[position];
  if (ch === undefined) return null;
  if (ch === '"') return scanString(text, position + 1);
  if (ch === "{") return scanObject(text, position + 1);
  if (ch === "[") return scanArray(text, position + 1);
  for (const [word, value] of [["null", null], ["true", true], ["false", false], ["NaN", new PyFloat(NaN)], ["Infinity", new PyFloat(Infinity)], ["-Infinity", new PyFloat(-Infinity)]] as const) {
    if (text.startsWith(word, position)) return [value, position + word.length];
  }
  NUMBER.lastIndex = position;
  const number = NUMBER.exec(text);
  if (number) return [number[2] || number[3] ? new PyFloat(Number(number[0])) : Number(number[0]), NUMBER.lastIndex];
  return null;
}

function scanString(text: string, start: number): [string, number] {
  let out = "";
  let position = start;
  for (;;) {
    const ch = text[position];
    if (ch === undefined) throw new DecodeError("Unterminated string starting at", text, start - 1);
    if (ch === '"') return [out, position + 1];
    if (ch < " ") throw new DecodeError("Invalid control character at", text, position);
    if (ch !== "\\") {
      out += ch;
      position++;
      continue;
    }
    const escape = text[position + 1];
    if (escape === undefined) throw new DecodeError("Unterminated string starting at", text, start - 1);
    if (escape === "u") {
      const hex = text.slice(position + 2, position + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new DecodeError("Invalid \\uXXXX escape", text, position + 1);
      out += String.fromCharCode(parseInt(hex, 16));
      position += 6;
      continue;
    }
    const decoded = ESCAPES[escape];
    if (decoded === undefined) throw new DecodeError("Invalid \\escape", text, position);
    out += decoded;
    position += 2;
  }
}

function scanObject(text: string, start: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  let position = skip(text, start);
  if (text[position] === "}") return [out, position + 1];
  if (text[position] !== '"') throw new DecodeError("Expecting property name enclosed in double quotes", text, position);
  for (;;) {
    const [key, afterKey] = scanString(text, position + 1);
    position = skip(text, afterKey);
    if (text[position] !== ":") throw new DecodeError("Expecting ':' delimiter", text, position);
    position = skip(text, position + 1);
    const value = scan(text, position);
    if (!value) throw new DecodeError("Expecting value", text, position);
    out[key] = value[0];
    position = skip(text, value[1]);
    if (text[position] === "}") return [out, position + 1];
    if (text[position] !== ",") throw new DecodeError("Expecting ',' delimiter", text, position);
    position = skip(text, position + 1);
    if (text[position] !== '"') throw new DecodeError("Expecting property name enclosed in double quotes", text, position);
  }
}

function scanArray(text: string, start: number): [unknown[], number] {
  const out: unknown[] = [];
  let position = skip(text, start);
  if (text[position] === "]") return [out, position + 1];
  for (;;) {
    const value = scan(text, position);
    if (!value) throw new DecodeError("Expecting value", text, position);
    out.push(value[0]);
    position = skip(text, value[1]);
    if (text[position] === "]") return [out, position + 1];
    if (text[position] !== ",") throw new DecodeError("Expecting ',' delimiter", text, position);
    position = skip(text, position + 1);
  }
}

export function pythonJsonLoads(text: string): PyJsonResult {
  try {
    const start = skip(text, 0);
    const value = scan(text, start);
    if (!value) throw new DecodeError("Expecting value", text, start);
    const end = skip(text, value[1]);
    if (end !== text.length) throw new DecodeError("Extra data", text, end);
    return { value: value[0] };
  } catch (err) {
    if (err instanceof DecodeError) return { error: err.message };
    throw err;
  }
}
