import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLMap } from "yaml";
import { readTextInput } from "../text-input";
import { formatPath, InventoryError, type InventoryIssue, type PathSegment } from "./issues";
import type { Release, Topology } from "./model";
import { validateTopologySpec, type Locator, type Position, type TopologyCheck } from "./validate";

/**
 * YAML inventories: the TopologySpec shape (camelCase keys as in model.ts) in a file under
 * inventories/. Every problem is reported with FILE:LINE:COLUMN, the field path and what was
 * expected, all at once.
 */

/** Inventories are small; more alias uses than this is an expansion attack, not a cloud. */
const MAX_ALIAS_EXPANSION = 1000;

export interface InventoryOptions {
  /**
   * Validate and resolve for this release instead of the inventory's own `release` (e.g.
   * `rdoctl answers --release R`, or checking a cloud against the next release).
   * @default the inventory's release
   */
  readonly release?: Release;
  /** Checks of later stages to run as part of validation (e.g. the answer writer's). @default none */
  readonly checks?: readonly TopologyCheck[];
}

/** Reads, parses and validates an inventory file. */
export function loadInventory(file: string, options: InventoryOptions = {}): Topology {
  // Missing, not a file, too large, not UTF-8: one line each, before the YAML parser runs.
  return parseInventory(readTextInput(file, "inventory"), file, options);
}

/** Parses and validates inventory text; `file` only names the source in messages. */
export function parseInventory(text: string, file: string, options: InventoryOptions = {}): Topology {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *defaults`) let large inventories share host settings.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // Warnings too (unknown tags, collection keys): an inventory has no use for either.
  const issues: InventoryIssue[] = [...doc.errors, ...doc.warnings].map((error) => {
    const at = position(error.pos[0]);
    return { file, line: at.line, column: at.column, path: "<yaml>", message: syntaxMessage(error.code, error.message, text, error.pos) };
  });
  let firstAlias: Position | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.range) firstAlias ??= position(alias.range[0]);
      if (alias.resolve(doc) === undefined && alias.range) {
        const at = position(alias.range[0]);
        issues.push({ file, line: at.line, column: at.column, path: "<yaml>", message: `alias *${alias.source} has no anchor &${alias.source} before it` });
      }
    },
    Pair(_, pair) {
      // yaml would stringify such a key (and warn on the process's stderr); no inventory field has one.
      if (isCollection(pair.key) && pair.key.range) {
        const at = position(pair.key.range[0]);
        issues.push({ file, line: at.line, column: at.column, path: "<yaml>", message: "a key is a list or mapping", expected: "a plain key such as name:" });
      }
    },
  });
  if (issues.length > 0) throw new InventoryError(issues);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (err) {
    // yaml refuses alias expansion beyond maxAliasCount (billion laughs).
    const message = err instanceof Error ? err.message : String(err);
    const at = firstAlias ?? { line: 1, column: 1 };
    throw new InventoryError([{ file, ...at, path: "<yaml>", message: `YAML aliases expand too much (${message})`, expected: `at most ${MAX_ALIAS_EXPANSION} alias uses` }]);
  }
  // Positions are needed only to report issues, so a valid inventory never pays for the walk.
  let positions: PositionMaps | undefined;
  const locate: Locator = (path, atKey) => {
    positions ??= collectPositions(doc, position);
    // The field itself, else the nearest ancestor that was written (defaults have no position).
    for (let depth = path.length; depth >= 0; depth--) {
      const key = formatPath(path.slice(0, depth));
      const found = (depth === path.length && atKey ? positions.keys.get(key) : undefined) ?? positions.values.get(key);
      if (found) return found;
    }
    return { line: 1, column: 1 };
  };
  // `release: 2025.1` unquoted is a YAML number; take the text as written (2024.10 stays 2024.10).
  const release = isMap(doc.contents) ? doc.contents.get("release", true) : undefined;
  if (isScalar(release) && typeof release.value === "number" && typeof release.source === "string" && isPlainObject(value)) {
    value["release"] = release.source;
  }
  if (options.release !== undefined && isPlainObject(value)) value["release"] = options.release;
  return validateTopologySpec(value, { file, locate }, options.checks);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface PositionMaps {
  /** Where each key was written (for unknown keys). */
  readonly keys: Map<string, Position>;
  /** Where each value starts. */
  readonly values: Map<string, Position>;
}

function collectPositions(doc: Document, position: (offset: number) => Position): PositionMaps {
  const maps: PositionMaps = { keys: new Map(), values: new Map() };
  const visitPairs = (map: YAMLMap, path: PathSegment[], merged: boolean): void => {
    const sources: unknown[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key;
      if (isScalar(keyNode) && keyNode.source === "<<") {
        sources.push(...(isSeq(pair.value) ? pair.value.items : [pair.value]));
        continue;
      }
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const childPath = [...path, key];
      // A key the map sets itself wins over the same key brought in by a merge.
      if (merged && maps.keys.has(formatPath(childPath))) continue;
      const keyRange = (keyNode as Node | null)?.range;
      if (keyRange) maps.keys.set(formatPath(childPath), position(keyRange[0]));
      if (pair.value === null || pair.value === undefined) {
        // `key:` with nothing after it: point at the key.
        if (keyRange) maps.values.set(formatPath(childPath), position(keyRange[0]));
      } else {
        visit(pair.value, childPath);
      }
    }
    // Keys a merge (`<<: *defaults`) brings in are located where the anchored map wrote them.
    for (const source of sources) {
      const resolved = isAlias(source) ? source.resolve(doc) : source;
      if (isMap(resolved)) visitPairs(resolved, path, true);
    }
  };
  const visit = (node: unknown, path: PathSegment[]): void => {
    const range = (node as Node | null)?.range;
    if (range) maps.values.set(formatPath(path), position(range[0]));
    if (isMap(node)) visitPairs(node, path, false);
    else if (isSeq(node)) node.items.forEach((item, index) => visit(item, [...path, index]));
  };
  visit(doc.contents, []);
  return maps;
}

function syntaxMessage(code: string, message: string, text: string, pos: readonly [number, number]): string {
  if (code === "MULTIPLE_DOCS") return "an inventory is one YAML document; this is the start of a second one";
  if (code === "DUPLICATE_KEY") {
    const line = text.slice(pos[0]).split(/\r?\n/, 1)[0] ?? "";
    const key = /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^:#]+?)\s*:/.exec(line)?.[1];
    return key ? `duplicate key ${JSON.stringify(key.replace(/^["']|["']$/g, ""))}` : "duplicate key";
  }
  const first = message.split("\n", 1)[0] ?? message;
  return `YAML syntax error: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}
