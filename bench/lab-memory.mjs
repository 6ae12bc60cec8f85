// What a lab host costs, for the lab benches: the PSS of a process and what a host's tmpfs disk holds.
import { readFileSync, statfsSync } from "node:fs";
import { join } from "node:path";

/** Proportional set size of a process in KiB; 0 once it is gone. */
export function pssKiB(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").split("\n").find((l) => l.startsWith("Pss:"));
    return Number(line.split(/\s+/)[1]);
  } catch {
    return 0;
  }
}

/** KiB used on the tmpfs disk beside a host's overlay root. */
export function diskUsedKiB(rootDir) {
  const stats = statfsSync(join(rootDir, "..", "disk"));
  return ((stats.blocks - stats.bfree) * stats.bsize) / 1024;
}
