// Parser for Go files: an index of top-level declarations (functions, vars, consts, imports)
// whose bodies and initializers are parsed lazily, plus an expression/statement parser for
// the constructs provider schemas use (composite literals, calls, closures, range loops).
// Function bodies that are never evaluated are only brace-matched, so exotic code in CRUD
// functions cannot break the derivation.

import { tokenize } from "./go-tokens.mjs";

const BINARY_PRECEDENCE = {
  "||": 1, "&&": 2,
  "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
  "+": 4, "-": 4, "|": 4, "^": 4,
  "*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5, "&": 5, "&^": 5,
};
const ASSIGN_OPS = new Set(["=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "&^="]);

export class GoSyntaxError extends Error {}

export class GoFileParser {
  constructor(source, file) {
    this.file = file;
    this.tokens = tokenize(source, file);
    this.pos = 0;
    // -1 inside if/for/switch headers: `T {` there opens the block, not a composite literal.
    this.exprLev = 0;
  }

  // ---- token helpers -------------------------------------------------------------------
  peek(k = 0) { return this.tokens[this.pos + k]; }
  next() { return this.tokens[this.pos++]; }
  isOp(v, k = 0) { const t = this.peek(k); return t.kind === "op" && t.value === v; }
  isKw(v, k = 0) { const t = this.peek(k); return t.kind === "keyword" && t.value === v; }
  fail(message) {
    const t = this.peek();
    throw new GoSyntaxError(`${this.file}:${t.line}: ${message} (at ${JSON.stringify(t.value)})`);
  }
  expectOp(v) {
    if (!this.isOp(v)) this.fail(`expected ${JSON.stringify(v)}`);
    return this.next();
  }
  expectIdent() {
    const t = this.peek();
    if (t.kind !== "ident") this.fail("expected identifier");
    return this.next().value;
  }
  skipSemis() { while (this.isOp(";")) this.next(); }

  /** Skips a balanced (), [] or {} group starting at the current opening token. */
  skipGroup() {
    const open = this.next().value;
    const close = { "(": ")", "[": "]", "{": "}" }[open];
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === "eof") this.fail(`unbalanced ${open}`);
      if (t.kind === "op" && t.value === open) depth++;
      else if (t.kind === "op" && t.value === close) depth--;
    }
  }

  /** Skips to the `;` ending the current top-level declaration. */
  skipToSemi() {
    while (!this.isOp(";") && this.peek().kind !== "eof") {
      if (this.isOp("(") || this.isOp("[") || this.isOp("{")) this.skipGroup();
      else this.next();
    }
  }

  // ---- file level ----------------------------------------------------------------------
  parseFile() {
    const out = { file: this.file, package: null, imports: new Map(), funcs: [], values: [] };
    this.skipSemis();
    if (!this.isKw("package")) this.fail("expected package clause");
    this.next();
    out.package = this.expectIdent();
    this.skipSemis();
    while (this.peek().kind !== "eof") {
      const t = this.peek();
      if (t.kind === "keyword" && t.value === "import") { this.next(); this.parseImports(out.imports); }
      else if (t.kind === "keyword" && t.value === "func") out.funcs.push(this.parseFuncDecl());
      else if (t.kind === "keyword" && (t.value === "var" || t.value === "const")) { this.next(); out.values.push(...this.parseValueDecls(t.value)); }
      else if (t.kind === "keyword" && t.value === "type") { this.next(); this.skipToSemi(); }
      else this.fail("unexpected top-level token");
      this.skipSemis();
    }
    return out;
  }

  parseImports(imports) {
    const one = () => {
      let alias = null;
      if (this.peek().kind === "ident" || this.isOp(".")) alias = this.next().value;
      const path = this.next().value;
      const parts = path.split("/");
      let name = parts[parts.length - 1];
      if (/^v[0-9]+$/.test(name) && parts.length > 1) name = parts[parts.length - 2];
      imports.set(alias ?? name.replace(/-/g, "_"), path);
    };
    if (this.isOp("(")) {
      this.next();
      this.skipSemis();
      while (!this.isOp(")")) { one(); this.skipSemis(); }
      this.next();
    } else one();
  }

  parseValueDecls(kind) {
    const specs = [];
    const spec = () => {
      const line = this.peek().line;
      const names = [this.expectIdent()];
      while (this.isOp(",")) { this.next(); names.push(this.expectIdent()); }
      let type = null;
      if (!this.isOp("=") && !this.isOp(";") && !this.isOp(")")) type = this.parseType();
      let initPos = null;
      if (this.isOp("=")) { this.next(); initPos = this.pos; this.skipToStatementEnd(")"); }
      specs.push({ kind, names, type, initPos, line, file: this.file, parser: this });
    };
    if (this.isOp("(")) {
      this.next();
      this.skipSemis();
      while (!this.isOp(")")) { spec(); this.skipSemis(); }
      this.next();
    } else spec();
    return specs;
  }

  /** Skips balanced tokens up to the end of a statement: a `;` or the `closer` of the enclosing group. */
  skipToStatementEnd(closer) {
    while (!this.isOp(";") && !this.isOp(closer) && this.peek().kind !== "eof") {
      if (this.isOp("(") || this.isOp("[") || this.isOp("{")) this.skipGroup();
      else this.next();
    }
  }

  parseFuncDecl() {
    const line = this.next().line;
    let receiver = null;
    if (this.isOp("(")) { receiver = true; this.skipGroup(); }
    const name = this.expectIdent();
    if (this.isOp("[")) this.skipGroup(); // type parameters
    const params = this.parseParams();
    this.skipResults();
    let bodyPos = null;
    if (this.isOp("{")) { bodyPos = this.pos; this.skipGroup(); }
    return { name, receiver, params, bodyPos, line, file: this.file, parser: this };
  }

  /** Parameter names in order; unnamed parameters get null. */
  parseParams() {
    this.expectOp("(");
    const groups = [];
    let current = [];
    while (!this.isOp(")")) {
      if (this.isOp(",")) { this.next(); groups.push(current); current = []; continue; }
      if (this.isOp("(") || this.isOp("[") || this.isOp("{")) { current.push({ kind: "group" }); this.skipGroup(); continue; }
      current.push(this.next());
    }
    if (current.length) groups.push(current);
    this.next();
    const named = groups.some((g) => g.length > 1 && g[0].kind === "ident" && !(g[1].kind === "op" && g[1].value === "."));
    return groups.map((g) => (named && g[0].kind === "ident" ? g[0].value : null));
  }

  skipResults() {
    while (!this.isOp("{") && !this.isOp(";") && this.peek().kind !== "eof") {
      if (this.isKw("struct") || this.isKw("interface")) { this.next(); this.skipGroup(); continue; }
      if (this.isOp("(") || this.isOp("[")) { this.skipGroup(); continue; }
      this.next();
    }
  }

  // ---- types ---------------------------------------------------------------------------
  parseType() {
    const t = this.peek();
    if (t.kind === "op" && t.value === "*") { this.next(); return { t: "ptr", elem: this.parseType() }; }
    if (t.kind === "op" && t.value === "(") { this.next(); const inner = this.parseType(); this.expectOp(")"); return inner; }
    if (t.kind === "op" && t.value === "[") {
      this.next();
      if (this.isOp("]")) { this.next(); return { t: "slice", elem: this.parseType() }; }
      let len = null;
      if (this.isOp("...")) this.next();
      else len = this.parseExpr();
      this.expectOp("]");
      return { t: "array", len, elem: this.parseType() };
    }
    if (t.kind === "keyword" && t.value === "map") {
      this.next();
      this.expectOp("[");
      const key = this.parseType();
      this.expectOp("]");
      return { t: "map", key, elem: this.parseType() };
    }
    if (t.kind === "keyword" && (t.value === "struct" || t.value === "interface")) { this.next(); this.skipGroup(); return { t: t.value }; }
    if (t.kind === "keyword" && t.value === "func") { this.next(); this.parseParams(); this.skipFuncResultType(); return { t: "func" }; }
    if (t.kind === "keyword" && t.value === "chan") { this.next(); return { t: "chan", elem: this.parseType() }; }
    if (t.kind === "ident") {
      let name = this.next().value;
      if (this.isOp(".") && this.peek(1).kind === "ident") { this.next(); name += "." + this.next().value; }
      if (this.isOp("[") && !this.isOp("]", 1)) this.skipGroup(); // generic instantiation
      return { t: "name", name };
    }
    this.fail("expected type");
  }

  skipFuncResultType() {
    if (this.isOp("(")) { this.skipGroup(); return; }
    const t = this.peek();
    if (t.kind === "ident" || (t.kind === "op" && (t.value === "*" || t.value === "[")) || (t.kind === "keyword" && ["map", "func", "struct", "interface", "chan"].includes(t.value))) this.parseType();
  }

  // ---- expressions ---------------------------------------------------------------------
  parseExpr(minPrec = 1) {
    let x = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const prec = t.kind === "op" ? BINARY_PRECEDENCE[t.value] : undefined;
      if (prec === undefined || prec < minPrec) return x;
      this.next();
      const y = this.parseExpr(prec + 1);
      x = { k: "binary", op: t.value, x, y, line: t.line };
    }
  }

  parseUnary() {
    const t = this.peek();
    if (t.kind === "op" && ["+", "-", "!", "^", "*", "&", "<-"].includes(t.value)) {
      this.next();
      return { k: "unary", op: t.value, x: this.parseUnary(), line: t.line };
    }
    return this.parsePrimary();
  }

  parseOperand() {
    const t = this.peek();
    if (t.kind === "int" || t.kind === "float" || t.kind === "string" || t.kind === "char") {
      this.next();
      return { k: "lit", kind: t.kind, v: t.value, line: t.line };
    }
    if (t.kind === "ident") { this.next(); return { k: "ident", name: t.value, line: t.line }; }
    if (t.kind === "op" && t.value === "(") {
      this.next();
      const saved = this.exprLev;
      this.exprLev = Math.max(this.exprLev, 0) + 1;
      const x = this.parseExpr();
      this.exprLev = saved;
      this.expectOp(")");
      return x;
    }
    if (t.kind === "keyword" && t.value === "func") {
      this.next();
      this.parseParams();
      this.skipFuncResultType();
      if (this.isOp("{")) {
        const bodyPos = this.pos;
        this.skipGroup();
        return { k: "funclit", bodyPos, line: t.line };
      }
      return { k: "type", type: { t: "func" }, line: t.line };
    }
    if ((t.kind === "op" && (t.value === "[" || t.value === "*")) || (t.kind === "keyword" && ["map", "struct", "interface", "chan"].includes(t.value))) {
      return { k: "type", type: this.parseType(), line: t.line };
    }
    this.fail("expected expression");
  }

  parsePrimary() {
    let x = this.parseOperand();
    for (;;) {
      const t = this.peek();
      if (t.kind === "op" && t.value === ".") {
        this.next();
        if (this.isOp("(")) {
          this.next();
          let type;
          if (this.isKw("type")) { this.next(); type = { t: "switch" }; } else type = this.parseType();
          this.expectOp(")");
          x = { k: "assert", x, type, line: t.line };
        } else x = { k: "sel", x, name: this.expectIdent(), line: t.line };
      } else if (t.kind === "op" && t.value === "[") {
        this.next();
        const saved = this.exprLev;
        this.exprLev = Math.max(this.exprLev, 0) + 1;
        let lo = null;
        if (!this.isOp(":")) lo = this.parseExpr();
        if (this.isOp(":")) {
          this.next();
          let hi = null;
          if (!this.isOp("]") && !this.isOp(":")) hi = this.parseExpr();
          if (this.isOp(":")) { this.next(); this.parseExpr(); }
          this.exprLev = saved;
          this.expectOp("]");
          x = { k: "slice", x, lo, hi, line: t.line };
        } else {
          while (this.isOp(",")) { this.next(); this.parseExpr(); } // generic instantiation
          this.exprLev = saved;
          this.expectOp("]");
          x = { k: "index", x, index: lo, line: t.line };
        }
      } else if (t.kind === "op" && t.value === "(") {
        this.next();
        const saved = this.exprLev;
        this.exprLev = Math.max(this.exprLev, 0) + 1;
        const args = [];
        let ellipsis = false;
        while (!this.isOp(")")) {
          args.push(this.parseExpr());
          if (this.isOp("...")) { this.next(); ellipsis = true; }
          if (this.isOp(",")) this.next();
          else break;
        }
        this.skipSemis();
        this.exprLev = saved;
        this.expectOp(")");
        x = { k: "call", fn: x, args, ellipsis, line: t.line };
      } else if (t.kind === "op" && t.value === "{" && this.isLiteralType(x)) {
        x = this.parseCompositeBody(this.asType(x), t.line);
      } else return x;
    }
  }

  isLiteralType(x) {
    if (x.k === "type") return ["slice", "array", "map", "struct", "name"].includes(x.type.t);
    const named = x.k === "ident" || (x.k === "sel" && x.x.k === "ident");
    return named && this.exprLev >= 0;
  }

  asType(x) {
    if (x.k === "type") return x.type;
    if (x.k === "ident") return { t: "name", name: x.name };
    return { t: "name", name: `${x.x.name}.${x.name}` };
  }

  /** Parses `{ elems }`; `type` is null for literals whose type is elided inside another one. */
  parseCompositeBody(type, line) {
    this.expectOp("{");
    const saved = this.exprLev;
    this.exprLev = Math.max(this.exprLev, 0) + 1;
    const elems = [];
    this.skipSemis();
    while (!this.isOp("}")) {
      let value = this.parseElement();
      let key = null;
      if (this.isOp(":")) {
        this.next();
        key = value;
        value = this.parseElement();
      }
      elems.push({ key, value });
      if (this.isOp(",")) this.next();
      this.skipSemis();
      if (!this.isOp("}") && this.isOp(";")) this.next();
    }
    this.next();
    this.exprLev = saved;
    return { k: "composite", type, elems, line };
  }

  parseElement() {
    if (this.isOp("{")) return this.parseCompositeBody(null, this.peek().line);
    if (this.isOp("&") && this.isOp("{", 1)) { this.next(); return this.parseCompositeBody(null, this.peek().line); }
    return this.parseExpr();
  }

  // ---- statements ----------------------------------------------------------------------
  /** Parses the block at token position `pos` (which must be `{`) into statements. */
  parseBlockAt(pos) {
    return this.parseAt(pos, () => this.parseBlock());
  }

  /** Parses the expression at token position `pos`. */
  parseExprAt(pos) {
    return this.parseAt(pos, () => this.parseElement());
  }

  /** Runs `parse` from token position `pos`, then puts the parser back where it was. */
  parseAt(pos, parse) {
    const saved = { pos: this.pos, exprLev: this.exprLev };
    this.pos = pos;
    this.exprLev = 0;
    try {
      return parse();
    } finally {
      this.pos = saved.pos;
      this.exprLev = saved.exprLev;
    }
  }

  parseBlock() {
    this.expectOp("{");
    const body = [];
    this.skipSemis();
    while (!this.isOp("}")) {
      body.push(this.parseStatement());
      this.skipSemis();
    }
    this.next();
    return body;
  }

  parseStatement() {
    const t = this.peek();
    const line = t.line;
    if (t.kind === "keyword") {
      switch (t.value) {
        case "return": {
          this.next();
          const results = [];
          if (!this.isOp(";") && !this.isOp("}")) {
            results.push(this.parseElement());
            while (this.isOp(",")) { this.next(); results.push(this.parseElement()); }
          }
          return { k: "return", results, line };
        }
        case "var": {
          this.next();
          const specs = [];
          const spec = () => {
            const names = [this.expectIdent()];
            while (this.isOp(",")) { this.next(); names.push(this.expectIdent()); }
            let type = null;
            if (!this.isOp("=") && !this.isOp(";")) type = this.parseType();
            const values = [];
            if (this.isOp("=")) {
              this.next();
              values.push(this.parseElement());
              while (this.isOp(",")) { this.next(); values.push(this.parseElement()); }
            }
            specs.push({ names, type, values });
          };
          if (this.isOp("(")) {
            this.next();
            this.skipSemis();
            while (!this.isOp(")")) { spec(); this.skipSemis(); }
            this.next();
          } else spec();
          return { k: "var", specs, line };
        }
        case "if": return this.parseIf();
        case "for": return this.parseFor();
        default: {
          // switch, select, go, defer, goto, const, type, break, continue...: not needed to
          // build schemas; recorded so the evaluator can report that it skipped them.
          this.next();
          this.skipToStatementEnd("}");
          return { k: "unsupported", what: t.value, line };
        }
      }
    }
    if (t.kind === "op" && t.value === "{") return { k: "block", body: this.parseBlock(), line };
    if (t.kind === "ident" && this.isOp(":", 1)) {
      this.next();
      this.next();
      return { k: "unsupported", what: "label", line };
    }
    return this.parseSimpleStatement();
  }

  parseSimpleStatement() {
    const line = this.peek().line;
    const lhs = [this.parseElement()];
    while (this.isOp(",")) { this.next(); lhs.push(this.parseElement()); }
    const t = this.peek();
    if (t.kind === "op" && t.value === ":=") {
      this.next();
      if (this.isKw("range")) { this.next(); return { k: "rangeclause", define: true, lhs, x: this.parseExpr(), line }; }
      const rhs = [this.parseElement()];
      while (this.isOp(",")) { this.next(); rhs.push(this.parseElement()); }
      return { k: "define", lhs, rhs, line };
    }
    if (t.kind === "op" && ASSIGN_OPS.has(t.value)) {
      this.next();
      if (t.value === "=" && this.isKw("range")) { this.next(); return { k: "rangeclause", define: false, lhs, x: this.parseExpr(), line }; }
      const rhs = [this.parseElement()];
      while (this.isOp(",")) { this.next(); rhs.push(this.parseElement()); }
      return { k: "assign", op: t.value, lhs, rhs, line };
    }
    if (t.kind === "op" && (t.value === "++" || t.value === "--")) { this.next(); return { k: "incdec", op: t.value, x: lhs[0], line }; }
    if (t.kind === "op" && t.value === "<-") { this.next(); this.parseExpr(); return { k: "unsupported", what: "send", line }; }
    return { k: "expr", x: lhs[0], line };
  }

  parseIf() {
    const line = this.next().line;
    const saved = this.exprLev;
    this.exprLev = -1;
    let init = null;
    let cond = this.parseSimpleStatement();
    if (this.isOp(";")) { this.next(); init = cond; cond = this.parseSimpleStatement(); }
    this.exprLev = saved;
    const then = this.parseBlock();
    let otherwise = null;
    if (this.isKw("else")) {
      this.next();
      otherwise = this.isKw("if") ? [this.parseIf()] : this.parseBlock();
    }
    return { k: "if", init, cond: cond.x, then, else: otherwise, line };
  }

  parseFor() {
    const line = this.next().line;
    const saved = this.exprLev;
    this.exprLev = -1;
    let header = null;
    if (this.isKw("range")) {
      this.next();
      header = { k: "rangeclause", define: false, lhs: [], x: this.parseExpr(), line };
    } else if (!this.isOp("{")) {
      const parts = [];
      if (!this.isOp(";")) parts.push(this.parseSimpleStatement());
      if (this.isOp(";")) {
        // three-clause loop; the evaluator does not run those
        while (!this.isOp("{")) { if (this.isOp("(") || this.isOp("[")) this.skipGroup(); else this.next(); }
        header = { k: "threeclause" };
      } else header = parts[0];
    }
    this.exprLev = saved;
    const body = this.parseBlock();
    if (header && header.k === "rangeclause") return { k: "range", define: header.define, lhs: header.lhs, x: header.x, body, line };
    return { k: "unsupported", what: "for", line };
  }
}

/** Parses every file into a package index; `files` is `[{path, source}]`. */
export function parsePackage(files) {
  const funcs = new Map();
  const inits = []; // func init() may appear many times; Go runs them in file order
  const values = new Map();
  const imports = new Map();
  let name = null;
  for (const { path, source } of files) {
    const parsed = new GoFileParser(source, path).parseFile();
    name ??= parsed.package;
    imports.set(path, parsed.imports);
    for (const f of parsed.funcs) {
      if (f.receiver) continue;
      if (f.name === "init") inits.push(f);
      else funcs.set(f.name, f);
    }
    for (const v of parsed.values) for (const [i, n] of v.names.entries()) values.set(n, { ...v, index: i });
  }
  return { name, funcs, inits, values, imports };
}
