import { RdoctlError } from "../errors";

/** A step in a field path: an object key or an array index. */
export type PathSegment = string | number;

/** Where a field sits: its file position when it came from a file. */
export interface InventoryIssue {
  /** Inventory file, or `<builder>` for topologies built in TypeScript. */
  readonly file: string;
  /** 1-based; absent for the builder. */
  readonly line?: number;
  /** 1-based; absent for the builder. */
  readonly column?: number;
  /** Field path such as `hosts[2].ssh.port`; `<root>` for the document itself. */
  readonly path: string;
  readonly message: string;
  /** What would have been accepted, when that is short enough to say. */
  readonly expected?: string;
  /** Name of the cross-field rule that raised it; absent for syntax and schema issues. */
  readonly rule?: string;
}

/** An issue before it has a location: what a rule or the schema check reports. */
export interface PendingIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly expected?: string;
  readonly rule?: string;
  /** Point at the key rather than the value (unknown keys). @default false */
  readonly atKey?: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["hosts", 2, "ssh", "port"]` → `hosts[2].ssh.port`; odd keys get `["br-ex"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "<root>" : out;
}

/** One line: `FILE:LINE:COL: PATH: MESSAGE[ (expected …)]`. */
export function formatIssue(issue: InventoryIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const expected = issue.expected === undefined ? "" : ` (expected ${issue.expected})`;
  return `${where}: ${issue.path}: ${issue.message}${expected}`;
}

/** Every problem found in an inventory or a builder description, all at once. */
export class InventoryError extends RdoctlError {
  constructor(readonly issues: readonly InventoryIssue[]) {
    super(issues.map(formatIssue).join("\n"), 1);
    this.name = "InventoryError";
  }
}
