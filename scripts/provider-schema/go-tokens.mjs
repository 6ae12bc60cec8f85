// Tokenizer for the subset of Go that terraform-plugin-sdk schemas are written in.
// It follows the Go spec closely enough that every file of a provider package can be
// tokenized, including the automatic semicolon insertion the parser relies on.

const KEYWORDS = new Set([
  "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
  "for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
  "return", "select", "struct", "switch", "type", "var",
]);

// Longest operators first so that a greedy scan picks the right one.
const OPERATORS = [
  "<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=",
  "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^",
  "+", "-", "*", "/", "%", "&", "|", "^", "<", ">", "=", "!", "(", ")", "[", "]", "{", "}",
  ",", ";", ".", ":", "~",
];

/** Tokens after which a newline ends the statement (Go spec, "Semicolons"). */
function endsStatement(tok) {
  if (!tok) return false;
  if (tok.kind === "ident" || tok.kind === "int" || tok.kind === "float" || tok.kind === "string" || tok.kind === "char") return true;
  if (tok.kind === "keyword") return ["break", "continue", "fallthrough", "return"].includes(tok.value);
  return tok.kind === "op" && ["++", "--", ")", "]", "}"].includes(tok.value);
}

const SIMPLE_ESCAPES = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"' };

function decodeEscapes(body, where) {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === "x") { out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; }
    else if (e === "u") { out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16)); i += 4; }
    else if (e === "U") { out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16)); i += 8; }
    else if (/[0-7]/.test(e)) { out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8)); i += 2; }
    else throw new Error(`${where}: unknown escape \\${e}`);
  }
  return out;
}

/**
 * Splits Go source into tokens `{kind, value, line}`; kinds are ident, keyword, int, float,
 * string (value decoded), char, op. Semicolons are inserted where Go inserts them.
 */
export function tokenize(source, file = "<source>") {
  const tokens = [];
  let i = 0;
  let line = 1;
  const n = source.length;
  const last = () => tokens[tokens.length - 1];
  const newline = () => {
    if (endsStatement(last())) tokens.push({ kind: "op", value: ";", line, auto: true });
    line++;
  };
  while (i < n) {
    const c = source[i];
    if (c === "\n") { newline(); i++; continue; }
    if (c === " " || c === "\t" || c === "\r") { i++; continue; }
    if (c === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      if (end < 0) throw new Error(`${file}:${line}: unterminated comment`);
      const text = source.slice(i, end + 2);
      const lines = text.split("\n").length - 1;
      if (lines > 0) { newline(); line += lines - 1; }
      i = end + 2;
      continue;
    }
    const at = `${file}:${line}`;
    if (/[A-Za-z_\p{L}]/u.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_\p{L}\p{Nd}]/u.test(source[j])) j++;
      const word = source.slice(i, j);
      tokens.push({ kind: KEYWORDS.has(word) ? "keyword" : "ident", value: word, line });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(source[i + 1] ?? ""))) {
      const m = /^(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/.exec(source.slice(i));
      const text = m[0];
      const clean = text.replace(/_/g, "");
      const isFloat = /[.eE]/.test(clean) && !/^0[xX]/.test(clean);
      tokens.push({ kind: isFloat ? "float" : "int", value: isFloat ? parseFloat(clean) : Number(clean), line });
      i += text.length;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && source[j] !== '"') {
        if (source[j] === "\\") j++;
        if (source[j] === "\n") throw new Error(`${at}: newline in string`);
        j++;
      }
      tokens.push({ kind: "string", value: decodeEscapes(source.slice(i + 1, j), at), line });
      i = j + 1;
      continue;
    }
    if (c === "`") {
      const end = source.indexOf("`", i + 1);
      if (end < 0) throw new Error(`${at}: unterminated raw string`);
      const raw = source.slice(i + 1, end);
      tokens.push({ kind: "string", value: raw.replace(/\r/g, ""), line });
      line += raw.split("\n").length - 1;
      i = end + 1;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      while (j < n && source[j] !== "'") {
        if (source[j] === "\\") j++;
        j++;
      }
      tokens.push({ kind: "char", value: decodeEscapes(source.slice(i + 1, j), at), line });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new Error(`${at}: unexpected character ${JSON.stringify(c)}`);
    tokens.push({ kind: "op", value: op, line });
    i += op.length;
  }
  if (endsStatement(last())) tokens.push({ kind: "op", value: ";", line, auto: true });
  tokens.push({ kind: "eof", value: "", line });
  return tokens;
}
