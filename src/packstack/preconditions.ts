import type { PreCondition } from "./catalog";
import { KeyError } from "./processors";
import type { PackstackValue } from "./pyrepr";

/**
 * Group pre-conditions. The catalogs describe each `function` pre-condition by the Python
 * expression it evaluates over the values loaded so far; a small evaluator for the forms that
 * occur (==, `in` on strings and lists, and, or, parentheses, `is non-empty`,
 * `NAME ('x' when unset)`) covers every catalog without a table of function names, and keeps
 * Python's meaning: `'lvm' in X` is a substring test on the raw comma-separated value, `and`
 * and `or` short-circuit, and reading a value not loaded yet is a KeyError.
 */

type Value = PackstackValue | readonly string[];
type Node =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "list"; readonly items: readonly string[] }
  | { readonly kind: "name"; readonly name: string; readonly whenUnset?: string }
  | { readonly kind: "eq" | "in" | "and" | "or"; readonly left: Node; readonly right: Node }
  | { readonly kind: "nonEmpty"; readonly operand: Node };

type Token = { readonly type: "str" | "name" | "op" | "unset"; readonly text: string };

const TOKEN = /\s*(?:\('([^']*)' when unset\)|'([^']*)'|(CONFIG_[A-Z0-9_]+)|(==|is non-empty|\band\b|\bor\b|\bin\b|[()[\],]))/y;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(expression);
    if (!m) throw new Error(`cannot read pre-condition ${JSON.stringify(expression)} at ${start}`);
    if (m[1] !== undefined) tokens.push({ type: "unset", text: m[1] });
    else if (m[2] !== undefined) tokens.push({ type: "str", text: m[2] });
    else if (m[3] !== undefined) tokens.push({ type: "name", text: m[3] });
    else tokens.push({ type: "op", text: m[4]! });
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.position !== this.tokens.length) this.error("unexpected text");
    return node;
  }

  private error(what: string): never {
    throw new Error(`cannot read pre-condition ${JSON.stringify(this.source)}: ${what} at token ${this.position}`);
  }

  private peek(text: string): boolean {
    const token = this.tokens[this.position];
    return token !== undefined && token.type === "op" && token.text === text;
  }

  private expect(text: string): void {
    if (!this.peek(text)) this.error(`expected ${text}`);
    this.position++;
  }

  private or(): Node {
    let node = this.and();
    while (this.peek("or")) {
      this.position++;
      node = { kind: "or", left: node, right: this.and() };
    }
    return node;
  }

  private and(): Node {
    let node = this.comparison();
    while (this.peek("and")) {
      this.position++;
      node = { kind: "and", left: node, right: this.comparison() };
    }
    return node;
  }

  private comparison(): Node {
    const left = this.primary();
    if (this.peek("==")) {
      this.position++;
      return { kind: "eq", left, right: this.primary() };
    }
    if (this.peek("in")) {
      this.position++;
      return { kind: "in", left, right: this.primary() };
    }
    if (this.peek("is non-empty")) {
      this.position++;
      return { kind: "nonEmpty", operand: left };
    }
    return left;
  }

  private primary(): Node {
    const token = this.tokens[this.position];
    if (!token) this.error("unexpected end");
    if (token.type === "str") {
      this.position++;
      return { kind: "string", value: token.text };
    }
    if (token.type === "name") {
      this.position++;
      const next = this.tokens[this.position];
      if (next?.type === "unset") {
        this.position++;
        return { kind: "name", name: token.text, whenUnset: next.text };
      }
      return { kind: "name", name: token.text };
    }
    if (this.peek("(")) {
      this.position++;
      const node = this.or();
      this.expect(")");
      return node;
    }
    if (this.peek("[")) {
      this.position++;
      const items: string[] = [];
      while (!this.peek("]")) {
        const item = this.tokens[this.position];
        if (item?.type !== "str") this.error("expected a string in the list");
        items.push(item.text);
        this.position++;
        if (this.peek(",")) this.position++;
      }
      this.position++;
      return { kind: "list", items };
    }
    return this.error(`unexpected ${token.text}`);
  }
}

function truthy(value: Value): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== false && value !== "";
}

/**
 * `lenient`: inside `… is non-empty`, where Packstack reads with `config.get()` and a value not
 * loaded yet is None rather than a KeyError.
 */
function evaluate(node: Node, config: ReadonlyMap<string, PackstackValue>, lenient = false): Value {
  switch (node.kind) {
    case "string":
      return node.value;
    case "list":
      return node.items;
    case "name": {
      const value = config.get(node.name);
      if (value !== undefined) return value;
      if (node.whenUnset !== undefined) return node.whenUnset;
      if (lenient) return null;
      throw new KeyError(node.name);
    }
    case "eq": {
      const left = evaluate(node.left, config, lenient);
      const right = evaluate(node.right, config, lenient);
      return left === right;
    }
    case "in": {
      const needle = evaluate(node.left, config, lenient);
      const haystack = evaluate(node.right, config, lenient);
      if (Array.isArray(haystack)) return haystack.includes(needle as string);
      if (typeof haystack === "string" && typeof needle === "string") return haystack.includes(needle);
      throw new Error(`TypeError: 'in <${typeof haystack}>' in pre-condition`);
    }
    case "and": {
      const left = evaluate(node.left, config, lenient);
      return truthy(left) ? evaluate(node.right, config, lenient) : left;
    }
    case "or": {
      const left = evaluate(node.left, config, lenient);
      return truthy(left) ? left : evaluate(node.right, config, lenient);
    }
    case "nonEmpty":
      return truthy(evaluate(node.operand, config, true));
  }
}

const compiled = new Map<string, Node>();

/** Parses a catalog pre-condition expression (cached); throws when a form is not understood. */
export function compileExpression(expression: string): Node {
  let node = compiled.get(expression);
  if (!node) {
    node = new Parser(tokenize(expression), expression).parse();
    compiled.set(expression, node);
  }
  return node;
}

/** Python's value of a `function` pre-condition over the values loaded so far. */
export function evaluateFunctionPreCondition(
  condition: Extract<PreCondition, { kind: "function" }>,
  config: ReadonlyMap<string, PackstackValue>,
): PackstackValue {
  const value = evaluate(compileExpression(condition.expression), config);
  return Array.isArray(value) ? value.length > 0 : (value as PackstackValue);
}

/** Names an expression reads, in order of appearance (for the test that the catalog's `reads` agree). */
export function namesRead(expression: string): string[] {
  const names: string[] = [];
  const walk = (node: Node): void => {
    if (node.kind === "name") names.push(node.name);
    else if (node.kind === "nonEmpty") walk(node.operand);
    else if (node.kind === "eq" || node.kind === "in" || node.kind === "and" || node.kind === "or") {
      walk(node.left);
      walk(node.right);
    }
  };
  walk(compileExpression(expression));
  return [...new Set(names)];
}
