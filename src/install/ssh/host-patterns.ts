/**
 * OpenSSH's host pattern rules for known_hosts host fields:
 * `*` and `?` wildcards, and lists where one `!pattern` match vetoes every other match.
 */

/** A wildcard pattern as a RegExp for the whole text; host names compare case-insensitively. */
export function wildcardRegExp(pattern: string, caseInsensitive = true): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, caseInsensitive ? "i" : "");
}

/** Whether `name` matches a pattern list: some pattern matches and no negated one does. */
export function patternListMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith("!")) {
      if (wildcardRegExp(pattern.slice(1)).test(name)) return false;
    } else if (wildcardRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}
