// Can this machine host the lab? Tests ask first and skip with the reason; CI must not skip.
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";

export interface LabSupport {
  ok: boolean;
  /** Why the lab cannot run here (first missing requirement). */
  reason?: string;
}

/** Lines starting with this are printed when lab tests skip; .ci/run greps for it. */
export const LAB_SKIP_LINE_PREFIX = "LAB SKIPPED:";

const REQUIRED_PROGRAMS: ReadonlyArray<[program: string, apt: string]> = [
  ["ip", "iproute2"],
  ["unshare", "util-linux"],
  ["nsenter", "util-linux"],
  ["pivot_root", "util-linux"],
  ["mount", "mount"],
  ["setfattr", "attr"],
  ["ssh", "openssh-client"],
  ["ssh-keygen", "openssh-client"],
  ["/usr/sbin/sshd", "openssh-server"],
  ["sysctl", "procps"],
];

function hasProgram(program: string): boolean {
  if (program.startsWith("/")) return existsSync(program);
  try {
    execFileSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let cached: LabSupport | undefined;

export function isLabSupported(): LabSupport {
  if (cached) return cached;
  cached = probe();
  return cached;
}

function probe(): LabSupport {
  if (process.platform !== "linux") return { ok: false, reason: `needs Linux namespaces (platform is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: "needs root (network namespaces, mounts)" };
  for (const [program, apt] of REQUIRED_PROGRAMS) {
    if (!hasProgram(program)) return { ok: false, reason: `${program} not found (apt-get install ${apt})` };
  }
  if (!/\boverlay\b/.test(readProc("/proc/filesystems"))) return { ok: false, reason: "the kernel has no overlayfs" };
  try {
    // The cheapest proof that namespaces work here: a throwaway network + mount + pid namespace.
    execFileSync("unshare", ["--net", "--mount", "--pid", "--fork", "true"], { stdio: "ignore", timeout: 10_000 });
  } catch (error) {
    return { ok: false, reason: `cannot create namespaces: ${(error as Error).message.split("\n")[0]}` };
  }
  return { ok: true };
}

function readProc(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/**
 * Announces that lab tests are skipped: prints `LAB SKIPPED: <reason>` to stderr and, when
 * $RDOCTL_LAB_SKIP_MARKER names a file, appends the same line there (.ci/run fails on either).
 */
export function reportLabSkipped(reason: string, where = ""): void {
  const line = `${LAB_SKIP_LINE_PREFIX} ${where ? `${where}: ` : ""}${reason}`;
  process.stderr.write(`${line}\n`);
  const marker = process.env.RDOCTL_LAB_SKIP_MARKER;
  if (marker) appendFileSync(marker, `${line}\n`);
}
