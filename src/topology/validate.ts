import { formatPath, InventoryError, type InventoryIssue, type PathSegment, type PendingIssue } from "./issues";
import type { Topology, TopologySpec } from "./model";
import { resolveTopology } from "./resolve";
import { ruleIssues } from "./rules";
import { checkSchema } from "./schema-check";

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** Finds where a field was written; undefined when the source has no positions (the builder). */
export type Locator = (path: readonly PathSegment[], atKey: boolean) => Position | undefined;

/** Where a description came from: an inventory file with positions, or `<builder>`. */
export interface SpecSource {
  readonly file: string;
  readonly locate?: Locator;
}

export const BUILDER_SOURCE: SpecSource = { file: "<builder>" };

/**
 * A check of a later stage that validation runs too, after the rules found nothing, so that a
 * description is never called valid and then refused downstream (the answer writer's checks:
 * `answerFileCheck` in src/packstack). Topology never imports those stages: callers pass them.
 */
export type TopologyCheck = (spec: TopologySpec, topology: Topology) => readonly PendingIssue[];

/**
 * The one road from a description to a {@link Topology}, for files and the builder alike:
 * JSON Schema, then defaults, then the cross-field rules. Throws {@link InventoryError} with
 * every issue found at the first stage that finds any.
 */
export function validateTopologySpec(value: unknown, source: SpecSource = BUILDER_SOURCE, checks: readonly TopologyCheck[] = []): Topology {
  const schema = checkSchema(value);
  let spec = value as TopologySpec;
  if (schema.issues.length > 0) {
    // Unknown keys mean nothing to the model, so without them the rules can still run and
    // their findings come in the same report. Any other schema problem stops here: rules
    // would reason about values of the wrong shape.
    if (schema.issues.length > schema.unknownKeys.length) throw new InventoryError(locateAll(schema.issues, source));
    spec = withoutKeys(value, schema.unknownKeys);
    if (checkSchema(spec).issues.length > 0) throw new InventoryError(locateAll(schema.issues, source));
  }
  const topology = resolveTopology(spec);
  const problems = [...schema.issues, ...ruleIssues(spec, topology)];
  if (problems.length > 0) throw new InventoryError(locateAll(problems, source));
  // Later stages assume a description the rules accept.
  const later = checks.flatMap((check) => check(spec, topology));
  if (later.length > 0) throw new InventoryError(locateAll(later, source));
  return topology;
}

function withoutKeys(value: unknown, paths: readonly (readonly PathSegment[])[]): TopologySpec {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  for (const path of paths) {
    let node: unknown = copy;
    for (const segment of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[segment];
    delete (node as Record<string | number, unknown>)[path[path.length - 1]!];
  }
  return copy as unknown as TopologySpec;
}

export function locateAll(pending: readonly PendingIssue[], source: SpecSource): InventoryIssue[] {
  const located = pending.map((issue, order) => {
    const position = source.locate?.(issue.path, issue.atKey ?? false);
    const located: InventoryIssue = {
      file: source.file,
      ...(position ? { line: position.line, column: position.column } : {}),
      path: formatPath(issue.path),
      message: issue.message,
      ...(issue.expected !== undefined ? { expected: issue.expected } : {}),
      ...(issue.rule !== undefined ? { rule: issue.rule } : {}),
    };
    return { located, order };
  });
  located.sort((a, b) => (a.located.line ?? 0) - (b.located.line ?? 0) || (a.located.column ?? 0) - (b.located.column ?? 0) || a.order - b.order);
  return located.map((l) => l.located);
}
