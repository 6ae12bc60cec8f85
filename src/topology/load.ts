import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { RdoctlError } from "../errors";
import { loadInventory, type InventoryOptions } from "./inventory";
import type { Topology, TopologySpec } from "./model";
import { InventoryError, type InventoryIssue } from "./issues";
import { BUILDER_SOURCE, validateTopologySpec } from "./validate";

/**
 * One entry point for every command that takes a cloud: a YAML inventory (inventories/) or a
 * topology module written in TypeScript or JavaScript (stacks/topologies/). Both go through the
 * same schema, defaults and rules (`validateTopologySpec`).
 */

const YAML_EXTENSIONS = [".yaml", ".yml"] as const;
const TYPESCRIPT_EXTENSIONS = [".ts", ".mts", ".cts"] as const;
const JAVASCRIPT_EXTENSIONS = [".js", ".cjs"] as const;
const ACCEPTED_EXTENSIONS = [...YAML_EXTENSIONS, ...TYPESCRIPT_EXTENSIONS, ...JAVASCRIPT_EXTENSIONS];

export type TopologyOptions = InventoryOptions;

/** Reads a YAML inventory or a topology module, validates it and resolves its defaults. */
export function loadTopology(file: string, options: TopologyOptions = {}): Topology {
  const extension = path.extname(file).toLowerCase();
  if (includes(YAML_EXTENSIONS, extension)) return loadInventory(file, options);
  if (!includes(TYPESCRIPT_EXTENSIONS, extension) && !includes(JAVASCRIPT_EXTENSIONS, extension)) {
    throw new RdoctlError(`${file}: not an inventory or topology module (expected one of ${ACCEPTED_EXTENSIONS.join(", ")})`);
  }
  if (!existsSync(file)) throw new RdoctlError(`${file}: topology module not found`);
  if (!statSync(file).isFile()) throw new RdoctlError(`${file}: not a file`);
  const exports = requireModule(path.resolve(file), includes(TYPESCRIPT_EXTENSIONS, extension), file);
  const spec = topologyExport(exports, file);
  const value = options.release !== undefined ? { ...spec, release: options.release } : spec;
  return validateTopologySpec(value, { file }, options.checks);
}

/**
 * The module's topology: its default export, else `export const topology`. A CloudBuilder gives
 * its spec rather than its build(), so issues name this file instead of `<builder>` and
 * `options.release` applies before defaults are resolved. A resolved Topology goes through
 * validation again as it is (resolving is idempotent), so a hand-edited one is checked too.
 */
function topologyExport(exports: unknown, file: string): TopologySpec | Topology {
  const record = isObject(exports) ? exports : {};
  // `module.exports = …` of a CommonJS file is its default export, as Node's ESM interop has it.
  const commonJsDefault = !record["__esModule"] && (isBuilder(record) || "hosts" in record) ? record : undefined;
  const candidate = record["default"] ?? record["topology"] ?? commonJsDefault;
  if (isBuilder(candidate)) return candidate.toSpec();
  if (isObject(candidate) && !Array.isArray(candidate) && typeof candidate !== "function") return candidate as unknown as TopologySpec;
  const found =
    candidate === undefined
      ? `exports ${describeExports(record)}`
      : `its ${record["default"] !== undefined ? "default export" : "export topology"} is ${describeValue(candidate)}`;
  throw new RdoctlError(
    `${file}: no topology in this module: ${found} (expected a default export or \`export const topology\` holding a Topology, a TopologySpec or a CloudBuilder)`,
  );
}

/** The builder as a shape, not a class: a module run through tsx has its own copy of CloudBuilder. */
interface BuilderLike {
  build(): Topology;
  toSpec(): TopologySpec;
}

function isBuilder(value: unknown): value is BuilderLike {
  return isObject(value) && typeof (value as Partial<BuilderLike>).toSpec === "function" && typeof (value as Partial<BuilderLike>).build === "function";
}

function requireModule(absolute: string, typescript: boolean, file: string): unknown {
  const unregister = typescript ? registerTypeScript(file) : undefined;
  try {
    return require(absolute) as unknown;
  } catch (err) {
    // `export default builder.build()` fails while loading, maybe with tsx's own copy of InventoryError.
    if (isInventoryError(err)) throw new InventoryError(err.issues.map((issue) => (issue.file === BUILDER_SOURCE.file ? { ...issue, file } : issue)));
    const message = err instanceof Error ? err.message : String(err);
    const located = compilerErrors(message);
    if (located.length > 0) throw new RdoctlError(located.join("\n"));
    throw new RdoctlError(`${file}: cannot load the topology module: ${message.split("\n", 1)[0]}`);
  } finally {
    unregister?.();
  }
}

/**
 * The compiler's own `FILE:LINE:COLUMN: ERROR: text` lines under esbuild's "Transform failed
 * with N errors:" (tsx compiles with esbuild), as `FILE:LINE:COLUMN: text`; [] for other errors.
 */
function compilerErrors(message: string): string[] {
  const [first, ...rest] = message.split("\n");
  if (!/^Transform failed with \d+ errors?:$/.test(first ?? "")) return [];
  return rest.flatMap((line) => {
    const match = /^(.+:\d+:\d+): ERROR: (.*)$/.exec(line);
    return match ? [`${match[1]}: ${match[2]}`] : [];
  });
}

/** tsx (a devDependency) compiles TypeScript on require; loaded only when a .ts file is given. */
function registerTypeScript(file: string): () => void {
  let api: { register(): () => void };
  try {
    api = require("tsx/cjs/api") as { register(): () => void };
  } catch {
    throw new RdoctlError(`${file}: loading a TypeScript topology needs tsx (npm install --save-dev tsx), or compile it to .js first (npx tsc)`);
  }
  return api.register();
}

function isInventoryError(err: unknown): err is { issues: readonly InventoryIssue[] } {
  return err instanceof Error && err.name === "InventoryError" && Array.isArray((err as { issues?: unknown }).issues);
}

function describeExports(record: Record<string, unknown>): string {
  const names = Object.keys(record)
    .filter((name) => name !== "__esModule")
    .sort();
  return names.length === 0 ? "nothing" : names.map((name) => `${name} (${describeValue(record[name])})`).join(", ");
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return `a function${value.name ? ` ${value.name}` : ""}`;
  if (typeof value === "object") return `an object of class ${(value as object).constructor?.name ?? "none"}`;
  return `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}

function includes(list: readonly string[], value: string): boolean {
  return list.includes(value);
}
