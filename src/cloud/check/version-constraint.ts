/**
 * Terraform version constraints (`~> 3.4`, `>= 3.0, < 4.0`, `= 3.4.0`, `!= 3.1.0`) evaluated
 * against one version, to tell whether a stack's required_providers admits the provider version
 * the schema was taken from.
 */

function parseVersion(text: string): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), m[2] === undefined ? NaN : Number(m[2]), m[3] === undefined ? NaN : Number(m[3])];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const x = Number.isNaN(a[i]!) ? 0 : a[i]!;
    const y = Number.isNaN(b[i]!) ? 0 : b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * True when `version` satisfies every comma-separated clause; undefined when the constraint or
 * the version cannot be read (the caller then says nothing rather than guess).
 */
export function satisfiesConstraint(version: string, constraint: string): boolean | undefined {
  const v = parseVersion(version);
  if (!v) return undefined;
  for (const clause of constraint.split(",")) {
    const m = /^\s*(~>|>=|<=|!=|=|>|<)?\s*(\S+)\s*$/.exec(clause);
    if (!m) return undefined;
    const op = m[1] ?? "=";
    const target = parseVersion(m[2]!);
    if (!target) return undefined;
    const c = compare(v, target);
    let ok: boolean;
    switch (op) {
      case "=": ok = c === 0; break;
      case "!=": ok = c !== 0; break;
      case ">": ok = c > 0; break;
      case ">=": ok = c >= 0; break;
      case "<": ok = c < 0; break;
      case "<=": ok = c <= 0; break;
      default: {
        // `~> 3.4` allows >= 3.4, < 4.0; `~> 3.4.1` allows >= 3.4.1, < 3.5.0.
        const given = Number.isNaN(target[2]!) ? (Number.isNaN(target[1]!) ? 1 : 2) : 3;
        const upper = given === 3 ? [target[0]!, target[1]! + 1, 0] : [target[0]! + 1, 0, 0];
        ok = c >= 0 && compare(v, given === 1 ? [Infinity, 0, 0] : upper) < 0;
      }
    }
    if (!ok) return false;
  }
  return true;
}
