/**
 * Reads an answer file the way Python 3's `configparser.RawConfigParser()` with default options
 * reads it, because that is what Packstack uses: `=` or `:` delimiters, `#`/`;` full-line
 * comments only (text after a value belongs to the value), keys lower-cased, indented lines
 * continue the previous value, `[DEFAULT]` keys visible in every section, strict mode (a key
 * twice in a section, or a section twice, is fatal). Unlike Python it keeps going after the
 * first fatal problem so `answers check` can report everything; `fatal` holds the message
 * Python would have raised.
 */

export interface IniEntry {
  /** The key as written. */
  readonly key: string;
  value: string;
  /** 1-based line of the key. */
  readonly line: number;
}

export interface IniSection {
  readonly name: string;
  readonly line: number;
  /** Lower-cased key → first occurrence. */
  readonly entries: Map<string, IniEntry>;
}

export interface IniProblem {
  readonly line: number;
  readonly kind: "missing-section" | "duplicate-key" | "duplicate-section" | "parse-error";
  readonly message: string;
  readonly key?: string;
  readonly section?: string;
}

export interface IniDocument {
  readonly sections: Map<string, IniSection>;
  readonly defaults: Map<string, IniEntry>;
  /** Every problem, in file order. */
  readonly problems: IniProblem[];
  /** What Python's configparser raises for this file, if anything. */
  readonly fatal?: string;
}

const COMMENT_PREFIXES = ["#", ";"];
/**
 * Python's whitespace (`str.isspace`, which `str.strip` and `re`'s `\s` use). JavaScript's `\s`
 * differs: it includes U+FEFF, so a byte-order mark would vanish here while Python keeps it
 * and finds no section header on line 1.
 */
const PY_WS = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/** Python's `.`: anything but a newline (JavaScript's also stops at \r, U+2028, U+2029). */
const PY_ANY = "[^\\n]";
const SECTION = new RegExp(`^\\[(${PY_ANY}+)\\]`);
const OPTION = new RegExp(`^(${PY_ANY}*?)[${PY_WS}]*([=:])[${PY_WS}]*(${PY_ANY}*)$`);
const LEADING_WS = new RegExp(`^[${PY_WS}]+`);
const TRAILING_WS = new RegExp(`[${PY_WS}]+$`);
const NON_WS = new RegExp(`[^${PY_WS}]`);

function pyStrip(text: string): string {
  return text.replace(LEADING_WS, "").replace(TRAILING_WS, "");
}

/** U+FEFF at the start: Python's utf-8 codec (the one Packstack's `open()` uses) keeps it as text. */
export const BYTE_ORDER_MARK = "\ufeff";

function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  return quote + text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r").replace(/\ufeff/g, "\\ufeff") + quote;
}

export function parseIni(text: string, source = "<answer file>"): IniDocument {
  const sections = new Map<string, IniSection>();
  const defaults = new Map<string, IniEntry>();
  const problems: IniProblem[] = [];
  let fatal: string | undefined;
  const parsingErrors: string[] = [];
  const seen = new Set<string>();
  let current: Map<string, IniEntry> | undefined;
  let currentName: string | undefined;
  let option: IniEntry | undefined;
  let continuation: string[] | undefined;
  let indentLevel = 0;
  const flush = (): void => {
    if (option && continuation) option.value = continuation.join("\n").replace(TRAILING_WS, "");
  };
  // Python reads the file in universal-newlines mode: \r\n and a lone \r end lines too.
  const lines = text.replace(/\r\n?/g, "\n").split(/(?<=\n)/);
  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const stripped = pyStrip(rawLine);
    const isComment = COMMENT_PREFIXES.some((p) => stripped.startsWith(p));
    const value = isComment ? "" : stripped;
    if (!value) {
      if (!isComment && current && option && continuation) continuation.push("");
      return;
    }
    const indent = rawLine.search(NON_WS);
    const curIndent = indent < 0 ? 0 : indent;
    if (current && option && continuation && curIndent > indentLevel) {
      continuation.push(value);
      return;
    }
    indentLevel = curIndent;
    const section = SECTION.exec(value);
    if (section) {
      flush();
      const name = section[1]!;
      option = undefined;
      continuation = undefined;
      if (name === "DEFAULT") {
        current = defaults;
        currentName = name;
        return;
      }
      const existing = sections.get(name);
      if (existing) {
        const message = `While reading from ${pyRepr(source)} [line ${String(lineNo).padStart(2)}]: section ${pyRepr(name)} already exists`;
        problems.push({ line: lineNo, kind: "duplicate-section", message, section: name });
        fatal ??= message;
        current = existing.entries;
      } else {
        const created: IniSection = { name, line: lineNo, entries: new Map() };
        sections.set(name, created);
        current = created.entries;
      }
      currentName = name;
      seen.add(`[${name}]`);
      return;
    }
    if (!current) {
      // Python raises at the first such line; one report is enough.
      if (problems.some((p) => p.kind === "missing-section")) return;
      const message = `File contains no section headers.\nfile: ${pyRepr(source)}, line: ${lineNo}\n${pyRepr(rawLine)}`;
      problems.push({ line: lineNo, kind: "missing-section", message });
      fatal ??= message;
      return;
    }
    const match = OPTION.exec(value);
    if (!match || !match[1]) {
      problems.push({ line: lineNo, kind: "parse-error", message: `[line ${String(lineNo).padStart(2)}]: ${pyRepr(rawLine)}` });
      parsingErrors.push(`\n\t[line ${String(lineNo).padStart(2)}]: ${pyRepr(rawLine)}`);
      return;
    }
    flush();
    const key = match[1].replace(TRAILING_WS, "");
    const lower = key.toLowerCase();
    const seenKey = `${currentName}\u0000${lower}`;
    if (seen.has(seenKey)) {
      const message = `While reading from ${pyRepr(source)} [line ${String(lineNo).padStart(2)}]: option ${pyRepr(lower)} in section ${pyRepr(currentName!)} already exists`;
      problems.push({ line: lineNo, kind: "duplicate-key", message, key, section: currentName! });
      fatal ??= message;
      // Python stops here; keep the first value so later checks see what a reader would.
      option = undefined;
      continuation = undefined;
      return;
    }
    seen.add(seenKey);
    option = { key, value: pyStrip(match[3]!), line: lineNo };
    continuation = [option.value];
    current.set(lower, option);
  });
  flush();
  if (!fatal && parsingErrors.length > 0) fatal = `Source contains parsing errors: ${pyRepr(source)}${parsingErrors.join("")}`;
  return fatal === undefined ? { sections, defaults, problems } : { sections, defaults, problems, fatal };
}

/** `config.get(section, key)`: the section's value, else `[DEFAULT]`'s, else undefined. */
export function iniGet(doc: IniDocument, section: string, key: string): string | undefined {
  const lower = key.toLowerCase();
  return doc.sections.get(section)?.entries.get(lower)?.value ?? doc.defaults.get(lower)?.value;
}
