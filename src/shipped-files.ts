import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * A file or directory shipped with rdoctl (`data/packstack`, `providers/openstack/schema.json`),
 * found by walking up from the calling module: modules sit at different depths in the sources
 * (src/…) and in the build (dist/src/…), and package.json cannot mark the root because the
 * build copies it into dist/ too. Undefined when no directory above `from` holds it.
 */
export function findShipped(relative: string, from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
