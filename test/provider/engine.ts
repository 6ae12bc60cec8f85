// The real engine for tests: located once per process; tests that need it skip only where none can
// be found, and report the skip like the SSH lab (`LAB SKIPPED:` line, $RDOCTL_LAB_SKIP_MARKER), so
// CI, which makes the engine ready first (`npm run engine`), fails instead of skipping.
import { locateEngine, type EngineStatus } from "../../src/cloud/engine";
import { reportLabSkipped } from "../lab/support";

let cached: EngineStatus | undefined;

export function testEngine(): EngineStatus {
  cached ??= locateEngine();
  return cached;
}

/** The engine when it is complete; otherwise reports the skip for `where` and returns undefined. */
export function engineOrSkip(where: string): EngineStatus | undefined {
  const status = testEngine();
  if (status.problems.length === 0) return status;
  reportLabSkipped(`no Terraform engine: ${status.problems.map((p) => `${p.what} (${p.fix})`).join("; ")}`, where);
  return undefined;
}
