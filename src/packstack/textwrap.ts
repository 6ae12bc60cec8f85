/**
 * Python's `textwrap.fill` with the options Packstack's `--gen-answer-file` uses
 * (`break_long_words=False`, every other option at its default). Answer-file comments must
 * wrap exactly like Packstack's so a generated file can be compared line by line with what
 * Packstack itself writes; the chunking rules (hyphenated words, em-dashes) are CPython's.
 */

const WS = "[\\t\\n\\x0b\\x0c\\r ]";
const NWS = "[^\\t\\n\\x0b\\x0c\\r ]";
const WORD_PUNCT = "[\\w!\"'&.,?]";
const LETTER = "[^\\d\\W]";

const WORD_SEPARATOR = new RegExp(
  "(" +
    `${WS}+` +
    `|(?<=${WORD_PUNCT})-{2,}(?=\\w)` +
    `|${NWS}+?(?:` +
    `-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})` +
    `|(?=${WS}|$)` +
    `|(?<=${WORD_PUNCT})(?=-{2,}\\w)` +
    ")" +
    ")",
);

export interface FillOptions {
  /** @default 70 */
  readonly width?: number;
  /** Prefix of the first line; counts toward the width. @default "" */
  readonly initialIndent?: string;
  /** Prefix of the other lines. @default "" */
  readonly subsequentIndent?: string;
}

function expandTabs(text: string, tabSize = 8): string {
  if (!text.includes("\t")) return text;
  let out = "";
  let column = 0;
  for (const ch of text) {
    if (ch === "\t") {
      const spaces = tabSize - (column % tabSize);
      out += " ".repeat(spaces);
      column += spaces;
    } else if (ch === "\n" || ch === "\r") {
      out += ch;
      column = 0;
    } else {
      out += ch;
      column++;
    }
  }
  return out;
}

function chunks(text: string): string[] {
  const munged = expandTabs(text).replace(/[\t\n\x0b\x0c\r ]/g, " ");
  // Without a hyphen only whitespace separates chunks; the full rules (hyphenated words,
  // em-dashes) are needed, and paid for, only when there is one.
  if (!munged.includes("-")) return munged.split(/( +)/).filter((c) => c !== "");
  return munged.split(WORD_SEPARATOR).filter((c) => c !== "" && c !== undefined);
}

/** The lines `textwrap.wrap` returns. */
export function wrap(text: string, options: FillOptions = {}): string[] {
  const width = options.width ?? 70;
  const initialIndent = options.initialIndent ?? "";
  const subsequentIndent = options.subsequentIndent ?? "";
  const pending = chunks(text).reverse();
  const lines: string[] = [];
  while (pending.length > 0) {
    const indent = lines.length > 0 ? subsequentIndent : initialIndent;
    const room = width - indent.length;
    if (lines.length > 0 && pending[pending.length - 1]!.trim() === "") pending.pop();
    const line: string[] = [];
    let length = 0;
    while (pending.length > 0) {
      const next = pending[pending.length - 1]!;
      if (length + next.length > room) break;
      line.push(pending.pop()!);
      length += next.length;
    }
    // A word longer than the line goes on a line of its own, unbroken.
    if (pending.length > 0 && pending[pending.length - 1]!.length > room && line.length === 0) {
      line.push(pending.pop()!);
    }
    if (line.length > 0 && line[line.length - 1]!.trim() === "") line.pop();
    if (line.length > 0) lines.push(indent + line.join(""));
  }
  return lines;
}

export function fill(text: string, options: FillOptions = {}): string {
  return wrap(text, options).join("\n");
}
