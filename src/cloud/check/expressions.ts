/**
 * Finds the references (`openstack_x.y.id`, `data.t.n.attr`, `var.v`, `local.l`, `module.m`,
 * `count.index`, …) inside the template strings of a synthesized Terraform JSON file.
 *
 * Not a full HCL parser: it lexes just enough of the expression language — strings with their
 * own nested templates, brackets, identifiers (which in HCL may contain `-`), numbers, function
 * calls and `for` expressions — to pull out every traversal and its static steps.
 */

export type TraversalStep =
  | { readonly kind: "attr"; readonly name: string }
  /** `[0]`, `["key"]`, legacy `.0`; `key` is undefined when the index is computed. */
  | { readonly kind: "index"; readonly key: string | number | undefined }
  /** `[*]` or `.*`. */
  | { readonly kind: "splat" };

export interface Reference {
  /** First identifier (a reference without steps is a bare name, which Terraform rejects): a resource type, or `data`, `var`, `local`, `module`, `count`, `each`, `self`, `path`, `terraform`. */
  readonly root: string;
  readonly steps: readonly TraversalStep[];
  /** The traversal as written, e.g. `openstack_networking_network_v2.net.id`. */
  readonly text: string;
}

type Token =
  | { readonly t: "ident"; readonly v: string; readonly at: number }
  | { readonly t: "number"; readonly v: string; readonly at: number }
  /** A quoted string; `literal` is its text when it holds no template. */
  | { readonly t: "string"; readonly literal: string | undefined; readonly at: number }
  | { readonly t: "punct"; readonly v: string; readonly at: number };

const IDENT_START = /[A-Za-z_]/;
const IDENT_CONTINUE = /[A-Za-z0-9_-]/;
const DIGIT = /[0-9]/;

interface Scan {
  readonly refs: Reference[];
  /** Names bound by `for` expressions and dynamic-block iterators: not references. */
  readonly locals: Set<string>;
}

/** Every reference in a JSON string value (a template: literal text with `${…}` and `%{…}`). */
export function referencesInTemplate(text: string): Reference[] {
  const scan: Scan = { refs: [], locals: new Set() };
  scanTemplate(text, 0, undefined, scan);
  return scan.locals.size === 0 ? scan.refs : scan.refs.filter((r) => !scan.locals.has(r.root));
}

/**
 * Reads template text from `start` up to `terminator` (a closing quote inside an expression,
 * or the end of the JSON string at top level), descending into each `${…}` and `%{…}`.
 * Returns the index just after the terminator.
 */
function scanTemplate(src: string, start: number, terminator: '"' | undefined, scan: Scan): number {
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (terminator !== undefined && c === "\\") {
      i += 2;
      continue;
    }
    if (terminator !== undefined && c === terminator) return i + 1;
    if ((c === "$" || c === "%") && src[i + 1] === c && src[i + 2] === "{") {
      i += 3; // `$${` and `%%{` are escapes for literal `${` and `%{`
      continue;
    }
    if ((c === "$" || c === "%") && src[i + 1] === "{") {
      i = scanExpression(src, i + 2, scan, c === "%");
      continue;
    }
    i++;
  }
  return i;
}

/** Lexes an expression up to its unmatched `}`; collects its traversals. Returns the index after `}`. */
function scanExpression(src: string, start: number, scan: Scan, directive: boolean): number {
  const tokens: Token[] = [];
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "~") {
      i++; // `~` strips whitespace in templates; it carries no meaning for references
      continue;
    }
    if (c === '"') {
      const open = i;
      const before = scan.refs.length;
      const end = scanTemplate(src, i + 1, '"', scan);
      const hasTemplate = scan.refs.length > before || /[$%]\{/.test(src.slice(open + 1, end - 1));
      tokens.push({ t: "string", literal: hasTemplate ? undefined : unescape(src.slice(open + 1, end - 1)), at: open });
      i = end;
      continue;
    }
    if (c === "{" || c === "(" || c === "[") depth++;
    if (c === "}" || c === ")" || c === "]") {
      if (depth === 0 && c === "}") {
        i++;
        break;
      }
      depth--;
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < src.length && IDENT_CONTINUE.test(src[j]!)) j++;
      tokens.push({ t: "ident", v: src.slice(i, j), at: i });
      i = j;
      continue;
    }
    if (DIGIT.test(c)) {
      let j = i + 1;
      while (j < src.length && /[0-9.eE]/.test(src[j]!)) {
        // `.` followed by a non-digit ends a number: `x[0].id` lexes as 0, `.`, id.
        if (src[j] === "." && !DIGIT.test(src[j + 1] ?? "")) break;
        j++;
      }
      tokens.push({ t: "number", v: src.slice(i, j), at: i });
      i = j;
      continue;
    }
    if (c === ":" && src[i + 1] === ":") {
      tokens.push({ t: "punct", v: "::", at: i });
      i += 2;
      continue;
    }
    tokens.push({ t: "punct", v: c, at: i });
    i++;
  }
  collectTraversals(tokens, src, scan);
  // `${HOSTNAME}` on its own: Terraform rejects a bare name, which is how shell variables in
  // user data usually break; keep it as a reference without steps so the checker can say so.
  const only = tokens[0];
  // Directives (`%{ else }`, `%{ endfor }`) are keywords alone, never references.
  if (!directive && tokens.length === 1 && only?.t === "ident" && !["true", "false", "null"].includes(only.v)) {
    scan.refs.push({ root: only.v, steps: [], text: only.v });
  }
  return i;
}

function unescape(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}

const isPunct = (tok: Token | undefined, v: string): boolean => tok !== undefined && tok.t === "punct" && tok.v === v;

function collectTraversals(tokens: readonly Token[], src: string, scan: Scan): void {
  // `for` binds names up to `in`: `[for k, v in x : …]`, `{for s in x : s.name => s}`, and the
  // template directive `%{ for ip in x }`, where `for` opens the expression.
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t === "ident" && tok.v === "for" && (i === 0 || isPunct(tokens[i - 1], "[") || isPunct(tokens[i - 1], "{"))) {
      for (let j = i + 1; j < tokens.length; j++) {
        const bound = tokens[j]!;
        if (bound.t === "ident" && bound.v === "in") break;
        if (bound.t === "ident") scan.locals.add(bound.v);
      }
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t !== "ident") continue;
    const previous = tokens[i - 1];
    if (isPunct(previous, ".") || isPunct(previous, "::")) continue;
    const next = tokens[i + 1];
    if (isPunct(next, "(") || isPunct(next, "::")) continue; // function call, provider function
    const steps: TraversalStep[] = [];
    let j = i + 1;
    let end = tok.at + tok.v.length;
    for (;;) {
      const a = tokens[j];
      const b = tokens[j + 1];
      if (isPunct(a, ".") && b !== undefined) {
        if (b.t === "ident") steps.push({ kind: "attr", name: b.v });
        else if (b.t === "number" && /^\d+$/.test(b.v)) steps.push({ kind: "index", key: Number(b.v) });
        else if (isPunct(b, "*")) steps.push({ kind: "splat" });
        else break;
        end = b.at + (b.t === "punct" ? 1 : (b as { v: string }).v.length);
        j += 2;
        continue;
      }
      if (isPunct(a, "[")) {
        const close = matchingBracket(tokens, j);
        if (close < 0) break;
        const inner = tokens.slice(j + 1, close);
        if (inner.length === 1 && inner[0]!.t === "number" && /^\d+$/.test(inner[0]!.v)) steps.push({ kind: "index", key: Number(inner[0]!.v) });
        else if (inner.length === 1 && inner[0]!.t === "string" && inner[0]!.literal !== undefined) steps.push({ kind: "index", key: inner[0]!.literal });
        else if (inner.length === 1 && isPunct(inner[0], "*")) steps.push({ kind: "splat" });
        else steps.push({ kind: "index", key: undefined });
        end = tokens[close]!.at + 1;
        j = close + 1;
        continue;
      }
      break;
    }
    if (steps.length === 0) continue; // a bare name: keyword, object key or for-variable, never a reference
    scan.refs.push({ root: tok.v, steps, text: src.slice(tok.at, end) });
  }
}

function matchingBracket(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (tok.t !== "punct") continue;
    if (tok.v === "[" || tok.v === "(" || tok.v === "{") depth++;
    if (tok.v === "]" || tok.v === ")" || tok.v === "}") {
      depth--;
      if (depth === 0) return tok.v === "]" ? k : -1;
    }
  }
  return -1;
}

/** `openstack_x.y`, `data.t.n`, `module.m` as a depends_on entry gives them, `${…}` or bare. */
export function dependsOnReference(entry: string): Reference | undefined {
  const trimmed = entry.trim();
  const inner = /^\$\{([^}]*)\}$/.exec(trimmed)?.[1] ?? trimmed;
  const refs = referencesInTemplate(`\${${inner}}`);
  return refs.length === 1 && refs[0]!.text === inner.trim() ? refs[0] : undefined;
}

/** `network[0].fixed_ip_v4` from steps. */
export function formatSteps(steps: readonly TraversalStep[]): string {
  let out = "";
  for (const step of steps) {
    if (step.kind === "attr") out += `${out === "" ? "" : "."}${step.name}`;
    else if (step.kind === "splat") out += "[*]";
    else out += step.key === undefined ? "[…]" : `[${JSON.stringify(step.key)}]`;
  }
  return out;
}
