// A small interpreter for the parts of a Go package that build terraform-plugin-sdk schemas:
// it evaluates package-level functions and variables on demand, composite literals into
// plain JS values, and the few statements schema constructors use (assignments, range
// loops, if with a decidable condition). Everything it cannot decide becomes an `opaque`
// value carrying the reason, so the caller can report it instead of guessing.

import { parsePackage } from "./go-parser.mjs";

/** Value of an identifier from an imported package, e.g. `schema.TypeString`. */
export const ext = (name) => ({ kind: "ext", name });
export const opaque = (why) => ({ kind: "opaque", why });
export const isOpaque = (v) => v !== null && typeof v === "object" && v.kind === "opaque";
export const isStruct = (v, type) => v !== null && typeof v === "object" && v.kind === "struct" && (type === undefined || v.type === type);
export const isMap = (v) => v !== null && typeof v === "object" && v.kind === "map";

function typeName(type) {
  if (!type) return "?";
  switch (type.t) {
    case "name": return type.name;
    case "ptr": return typeName(type.elem);
    case "slice": return `[]${typeName(type.elem)}`;
    case "array": return `[n]${typeName(type.elem)}`;
    case "map": return `map[${typeName(type.key)}]${typeName(type.elem)}`;
    default: return type.t;
  }
}

/** Element type of a container type, used for literals whose type Go lets you elide. */
function elementType(type) {
  if (!type) return null;
  if (type.t === "ptr") return elementType(type.elem);
  if (type.t === "slice" || type.t === "array" || type.t === "map") return type.elem;
  return null;
}

class Scope {
  constructor(parent) { this.parent = parent; this.vars = new Map(); }
  lookup(name) {
    for (let s = this; s; s = s.parent) if (s.vars.has(name)) return s;
    return null;
  }
}

class Return { constructor(values) { this.values = values; } }

export class GoPackageEvaluator {
  /** `files` is `[{path, source}]` of one Go package (tests excluded by the caller). */
  constructor(files) {
    this.pkg = parsePackage(files);
    this.valueCache = new Map();
    this.notes = [];
    this.callDepth = 0;
  }

  note(kind, detail, where) { this.notes.push({ kind, detail, where }); }

  /** Runs the package's init() functions, as Go does before main; they may set package vars. */
  runInits() {
    for (const fn of this.pkg.inits) {
      const body = fn.parser.parseBlockAt(fn.bodyPos);
      this.execBlock(body, new Scope(null), { fn, file: fn.file, where: `${fn.file}:${fn.line} (init)` });
    }
  }

  /** Calls the package-level function `name` with JS values as arguments. */
  callFunction(name, args = [], where = name) {
    const fn = this.pkg.funcs.get(name);
    if (!fn) return opaque(`function ${name} not found in package`);
    if (fn.bodyPos === null) return opaque(`function ${name} has no body`);
    if (this.callDepth > 64) return opaque(`recursion limit reached in ${name}`);
    const scope = new Scope(null);
    fn.params.forEach((p, i) => { if (p) scope.vars.set(p, args[i] ?? null); });
    const body = fn.parser.parseBlockAt(fn.bodyPos);
    this.callDepth++;
    try {
      const r = this.execBlock(body, scope, { fn, file: fn.file, where: `${fn.file}:${fn.line} (${name})` });
      if (r instanceof Return) return r.values.length === 1 ? r.values[0] : r.values;
      return null;
    } finally {
      this.callDepth--;
    }
  }

  /** Value of the package-level var/const `name` (evaluated once, like Go's init). */
  packageValue(name) {
    if (this.valueCache.has(name)) return this.valueCache.get(name);
    const decl = this.pkg.values.get(name);
    let value;
    if (!decl) value = undefined;
    else if (decl.initPos === null) value = null;
    else if (decl.names.length > 1) value = opaque(`multi-value declaration of ${name}`);
    else {
      this.valueCache.set(name, opaque(`initialization cycle at ${name}`));
      const expr = decl.parser.parseExprAt(decl.initPos);
      value = this.eval(expr, new Scope(null), { file: decl.file, where: `${decl.file}:${decl.line} (${name})`, type: decl.type });
    }
    this.valueCache.set(name, value);
    return value;
  }

  // ---- statements ----------------------------------------------------------------------
  execBlock(stmts, scope, ctx) {
    for (const s of stmts) {
      const r = this.exec(s, scope, ctx);
      if (r instanceof Return) return r;
    }
    return null;
  }

  exec(s, scope, ctx) {
    const at = `${ctx.where} line ${s.line}`;
    switch (s.k) {
      case "return": return new Return(s.results.map((e) => this.eval(e, scope, ctx)));
      case "define": {
        const values = this.evalMulti(s.rhs, s.lhs.length, scope, ctx);
        s.lhs.forEach((l, i) => { if (l.k === "ident" && l.name !== "_") scope.vars.set(l.name, values[i]); });
        return null;
      }
      case "assign": {
        const values = this.evalMulti(s.rhs, s.lhs.length, scope, ctx);
        s.lhs.forEach((l, i) => {
          const v = s.op === "=" ? values[i] : this.binary(s.op.slice(0, -1), this.eval(l, scope, ctx), values[i]);
          this.assign(l, v, scope, ctx);
        });
        return null;
      }
      case "var":
        for (const spec of s.specs) {
          spec.names.forEach((n, i) => {
            const v = spec.values[i] ? this.eval(spec.values[i], scope, { ...ctx, type: spec.type }) : null;
            scope.vars.set(n, v);
          });
        }
        return null;
      case "expr": this.eval(s.x, scope, ctx); return null;
      case "incdec": {
        const v = this.eval(s.x, scope, ctx);
        this.assign(s.x, typeof v === "number" ? v + (s.op === "++" ? 1 : -1) : opaque("increment of non-number"), scope, ctx);
        return null;
      }
      case "block": return this.execBlock(s.body, new Scope(scope), ctx);
      case "if": {
        const inner = new Scope(scope);
        if (s.init) this.exec(s.init, inner, ctx);
        const cond = this.eval(s.cond, inner, ctx);
        if (typeof cond !== "boolean") {
          this.note("undecidable-if", `condition is ${describe(cond)}; neither branch evaluated`, at);
          return null;
        }
        if (cond) return this.execBlock(s.then, new Scope(inner), ctx);
        if (s.else) return this.execBlock(s.else, new Scope(inner), ctx);
        return null;
      }
      case "range": {
        const x = this.eval(s.x, scope, ctx);
        let pairs;
        if (Array.isArray(x)) pairs = x.map((v, i) => [i, v]);
        else if (isMap(x)) pairs = [...x.entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        else if (typeof x === "number") pairs = Array.from({ length: x }, (_, i) => [i, i]);
        else {
          this.note("unsupported-range", `range over ${describe(x)}`, at);
          return null;
        }
        for (const [k, v] of pairs) {
          const inner = new Scope(scope);
          const bind = (l, val) => {
            if (!l) return;
            if (s.define) { if (l.k === "ident" && l.name !== "_") inner.vars.set(l.name, val); } else this.assign(l, val, inner, ctx);
          };
          bind(s.lhs[0], k);
          bind(s.lhs[1], v);
          const r = this.execBlock(s.body, inner, ctx);
          if (r instanceof Return) return r;
        }
        return null;
      }
      case "unsupported":
        this.note("unsupported-statement", `${s.what} statement skipped`, at);
        return null;
      default:
        this.note("unsupported-statement", `${s.k} statement skipped`, at);
        return null;
    }
  }

  evalMulti(rhs, count, scope, ctx) {
    if (rhs.length === count) return rhs.map((e) => this.eval(e, scope, ctx));
    const v = this.eval(rhs[0], scope, ctx);
    if (Array.isArray(v) && v.multi) return v;
    return Array.from({ length: count }, () => opaque("multi-value expression"));
  }

  assign(lhs, value, scope, ctx) {
    if (lhs.k === "ident") {
      if (lhs.name === "_") return;
      const s = scope.lookup(lhs.name);
      if (s) s.vars.set(lhs.name, value);
      else if (this.pkg.values.has(lhs.name)) {
        this.packageValue(lhs.name); // initialize first, as Go does before any assignment
        this.valueCache.set(lhs.name, value);
      } else this.note("unresolved-assignment", `assignment to unknown variable ${lhs.name}`, ctx.where);
      return;
    }
    if (lhs.k === "sel") {
      const obj = this.eval(lhs.x, scope, ctx);
      if (isStruct(obj)) { obj.fields.set(lhs.name, value); return; }
      this.note("unresolved-assignment", `cannot assign .${lhs.name} on ${describe(obj)}`, `${ctx.where} line ${lhs.line}`);
      return;
    }
    if (lhs.k === "index") {
      const obj = this.eval(lhs.x, scope, ctx);
      const key = this.eval(lhs.index, scope, ctx);
      if (isMap(obj) && (typeof key === "string" || typeof key === "number")) { obj.entries.set(key, value); return; }
      if (Array.isArray(obj) && typeof key === "number") { obj[key] = value; return; }
      this.note("unresolved-assignment", `cannot assign [${describe(key)}] on ${describe(obj)}`, `${ctx.where} line ${lhs.line}`);
      return;
    }
    if (lhs.k === "unary" && lhs.op === "*") { this.assign(lhs.x, value, scope, ctx); return; }
    this.note("unresolved-assignment", `assignment target ${lhs.k}`, ctx.where);
  }

  // ---- expressions ---------------------------------------------------------------------
  eval(e, scope, ctx) {
    switch (e.k) {
      case "lit": return e.v;
      case "ident": return this.identifier(e.name, scope, ctx);
      case "sel": {
        if (e.x.k === "ident" && !scope?.lookup(e.x.name) && !this.pkg.values.has(e.x.name) && this.isImport(e.x.name, ctx)) {
          return ext(`${e.x.name}.${e.name}`);
        }
        const x = this.eval(e.x, scope, ctx);
        if (isStruct(x)) return x.fields.has(e.name) ? x.fields.get(e.name) : null;
        if (isOpaque(x)) return x;
        return opaque(`field ${e.name} of ${describe(x)}`);
      }
      case "index": {
        const x = this.eval(e.x, scope, ctx);
        const key = this.eval(e.index, scope, ctx);
        if (isMap(x) && (typeof key === "string" || typeof key === "number")) return x.entries.has(key) ? x.entries.get(key) : null;
        if (Array.isArray(x) && typeof key === "number") return x[key] ?? opaque("index out of range");
        return opaque(`index ${describe(key)} of ${describe(x)}`);
      }
      case "slice": {
        const x = this.eval(e.x, scope, ctx);
        const lo = e.lo ? this.eval(e.lo, scope, ctx) : 0;
        const hi = e.hi ? this.eval(e.hi, scope, ctx) : undefined;
        if ((Array.isArray(x) || typeof x === "string") && typeof lo === "number" && (hi === undefined || typeof hi === "number")) return x.slice(lo, hi);
        return opaque("slice expression");
      }
      case "unary": {
        const x = this.eval(e.x, scope, ctx);
        if (e.op === "&" || e.op === "*") return x; // pointers share the value object
        if (e.op === "!" && typeof x === "boolean") return !x;
        if (e.op === "-" && typeof x === "number") return -x;
        if (e.op === "+" && typeof x === "number") return x;
        return opaque(`unary ${e.op} on ${describe(x)}`);
      }
      case "binary": {
        if (e.op === "&&" || e.op === "||") {
          const x = this.eval(e.x, scope, ctx);
          if (e.op === "&&" && x === false) return false;
          if (e.op === "||" && x === true) return true;
          const y = this.eval(e.y, scope, ctx);
          if (typeof x === "boolean" && typeof y === "boolean") return y;
          return opaque(`${e.op} on undecidable operands`);
        }
        return this.binary(e.op, this.eval(e.x, scope, ctx), this.eval(e.y, scope, ctx));
      }
      case "composite": return this.composite(e, e.type ?? ctx.type ?? null, scope, ctx);
      case "call": return this.call(e, scope, ctx);
      case "assert": return this.eval(e.x, scope, ctx);
      case "funclit": return { kind: "func", where: `${ctx.where} line ${e.line}` };
      case "type": return { kind: "type", type: e.type };
      default: return opaque(`expression ${e.k}`);
    }
  }

  isImport(name, ctx) {
    const file = ctx.fn?.file ?? ctx.where.split(":")[0];
    const imports = this.pkg.imports.get(file);
    if (imports) return imports.has(name);
    for (const m of this.pkg.imports.values()) if (m.has(name)) return true;
    return false;
  }

  identifier(name, scope, ctx) {
    const s = scope?.lookup(name);
    if (s) return s.vars.get(name);
    if (name === "true") return true;
    if (name === "false") return false;
    if (name === "nil") return null;
    if (name === "iota") return opaque("iota");
    const v = this.packageValue(name);
    if (v !== undefined) return v;
    if (this.pkg.funcs.has(name)) return { kind: "funcref", name };
    if (["string", "int", "int64", "bool", "float64", "any", "byte", "rune", "error"].includes(name)) return { kind: "type", type: { t: "name", name } };
    return opaque(`unknown identifier ${name} at ${ctx.where}`);
  }

  binary(op, x, y) {
    if (isOpaque(x)) return x;
    if (isOpaque(y)) return y;
    const both = (t) => typeof x === t && typeof y === t;
    if (op === "+" && (both("string") || both("number"))) return x + y;
    if (both("number")) {
      switch (op) {
        case "-": return x - y;
        case "*": return x * y;
        case "/": return Number.isInteger(x) && Number.isInteger(y) ? Math.trunc(x / y) : x / y;
        case "%": return x % y;
        case "<<": return x * 2 ** y;
        case ">>": return Math.floor(x / 2 ** y);
        case "|": return x | y;
        case "&": return x & y;
        default: break;
      }
    }
    const comparable = (v) => v === null || ["string", "number", "boolean"].includes(typeof v);
    if (comparable(x) && comparable(y)) {
      switch (op) {
        case "==": return x === y;
        case "!=": return x !== y;
        case "<": return x < y;
        case "<=": return x <= y;
        case ">": return x > y;
        case ">=": return x >= y;
        default: break;
      }
    }
    return opaque(`${op} on ${describe(x)} and ${describe(y)}`);
  }

  composite(e, type, scope, ctx) {
    const elemT = elementType(type);
    const under = type && type.t === "ptr" ? type.elem : type;
    if (under && under.t === "map") {
      const entries = new Map();
      for (const { key, value } of e.elems) {
        const k = this.eval(key, scope, { ...ctx, type: under.key });
        const v = this.eval(value, scope, { ...ctx, type: elemT });
        entries.set(typeof k === "string" || typeof k === "number" ? k : JSON.stringify(describe(k)), v);
      }
      return { kind: "map", type: typeName(under), entries };
    }
    if (under && (under.t === "slice" || under.t === "array")) {
      return e.elems.map(({ value }) => this.eval(value, scope, { ...ctx, type: elemT }));
    }
    // Struct literal (named type): keys are field names.
    const fields = new Map();
    e.elems.forEach(({ key, value }, i) => {
      const name = key && key.k === "ident" ? key.name : `#${i}`;
      fields.set(name, this.eval(value, scope, { ...ctx, type: fieldType(typeName(under), name) }));
    });
    // The position lets reports point at the Go literal a schema entry came from.
    return { kind: "struct", type: typeName(under), fields, at: `${ctx.file}:${e.line}` };
  }

  call(e, scope, ctx) {
    const fnExpr = e.fn;
    const args = () => e.args.map((a) => this.eval(a, scope, { ...ctx, type: null }));
    if (fnExpr.k === "ident" && !scope?.lookup(fnExpr.name)) {
      switch (fnExpr.name) {
        case "make": {
          const t = e.args[0].k === "type" ? e.args[0].type : null;
          if (t && t.t === "map") return { kind: "map", type: typeName(t), entries: new Map() };
          if (t && t.t === "slice") return [];
          return opaque("make of unknown type");
        }
        case "new": return e.args[0].k === "type" || e.args[0].k === "ident" || e.args[0].k === "sel"
          ? { kind: "struct", type: e.args[0].k === "type" ? typeName(e.args[0].type) : describeExpr(e.args[0]), fields: new Map() }
          : opaque("new");
        case "len": {
          const [x] = args();
          if (Array.isArray(x) || typeof x === "string") return x.length;
          if (isMap(x)) return x.entries.size;
          return opaque("len of unknown value");
        }
        case "append": {
          const [first, ...rest] = args();
          if (!Array.isArray(first) && first !== null) return opaque("append to unknown slice");
          const tail = e.ellipsis ? (Array.isArray(rest[0]) ? rest[0] : [opaque("spread of unknown slice")]) : rest;
          return [...(first ?? []), ...tail];
        }
        case "string": {
          const [x] = args();
          return typeof x === "string" ? x : opaque("string conversion");
        }
        case "int": case "int64": case "float64": {
          const [x] = args();
          return typeof x === "number" ? x : opaque("numeric conversion");
        }
        default: break;
      }
      if (this.pkg.funcs.has(fnExpr.name) && !this.pkg.values.has(fnExpr.name)) {
        return this.callFunction(fnExpr.name, args(), `${ctx.where} line ${e.line}`);
      }
    }
    if (fnExpr.k === "sel" && fnExpr.x.k === "ident" && !scope?.lookup(fnExpr.x.name) && this.isImport(fnExpr.x.name, ctx)) {
      return { kind: "extcall", name: `${fnExpr.x.name}.${fnExpr.name}`, args: args() };
    }
    if (fnExpr.k === "type") return e.args.length ? this.eval(e.args[0], scope, ctx) : null; // conversion
    return opaque(`call of ${describeExpr(fnExpr)}`);
  }
}

/**
 * Field types of the SDK structs whose literals elide inner types; lets `{...}` inside
 * `Schema: map[string]*schema.Schema{...}` be typed without reading the SDK's source.
 */
function fieldType(structName, field) {
  const schemaMap = { t: "map", key: { t: "name", name: "string" }, elem: { t: "ptr", elem: { t: "name", name: "schema.Schema" } } };
  const resourceMap = { t: "map", key: { t: "name", name: "string" }, elem: { t: "ptr", elem: { t: "name", name: "schema.Resource" } } };
  if ((structName === "schema.Resource" || structName === "schema.Provider") && field === "Schema") return schemaMap;
  if (structName === "schema.Provider" && (field === "ResourcesMap" || field === "DataSourcesMap")) return resourceMap;
  return null;
}

function describeExpr(e) {
  if (e.k === "ident") return e.name;
  if (e.k === "sel") return `${describeExpr(e.x)}.${e.name}`;
  if (e.k === "call") return `${describeExpr(e.fn)}(...)`;
  return e.k;
}

export function describe(v) {
  if (v === null) return "nil";
  if (v === undefined) return "undefined";
  if (typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `slice(${v.length})`;
  switch (v.kind) {
    case "opaque": return `unresolved value (${v.why})`;
    case "ext": return v.name;
    case "extcall": return `${v.name}(...)`;
    case "struct": return `${v.type}{...}`;
    case "map": return `${v.type}{...}`;
    case "func": return "func literal";
    case "funcref": return `func ${v.name}`;
    case "type": return `type ${typeName(v.type)}`;
    default: return v.kind;
  }
}
