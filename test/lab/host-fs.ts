// A host's disk: an overlay whose lower layer is this machine's / (read-only through the overlay)
// and whose upper layer is a tmpfs of the host's own, sized as the host's disk so `df /` answers
// with it. Everything the host writes stays in its tmpfs; no host sees another's files.
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { run } from "./exec";

/** Files every simulated host starts with (simulated commands, CentOS identity): test/lab/host-root. */
export const HOST_ROOT_TEMPLATE = join(__dirname, "host-root");

/**
 * Directories of the machine that a host must not see (its own /root, /home, temp dirs, logs,
 * the project tree): made opaque in the upper layer, so they start empty.
 */
const HIDDEN_DIRS = ["root", "home", "tmp", "var/tmp", "var/log", "etc/ssh", "work", "mnt", "srv", "opt"];

export interface HostDiskProps {
  hostDir: string;
  /** Size of the host's tmpfs in GiB; what `df /` reports. */
  diskGiB: number;
}

export function hostRootDir(hostDir: string): string {
  return join(hostDir, "root");
}

export async function mountHostDisk(props: HostDiskProps): Promise<string> {
  const disk = join(props.hostDir, "disk");
  const root = hostRootDir(props.hostDir);
  mkdirSync(disk, { recursive: true });
  mkdirSync(root, { recursive: true });
  await run(["mount", "-t", "tmpfs", "-o", `size=${props.diskGiB}g,mode=0755`, `rdoctl-lab-disk`, disk]);
  const upper = join(disk, "upper");
  mkdirSync(join(disk, "work"), { recursive: true });
  for (const dir of HIDDEN_DIRS) {
    mkdirSync(join(upper, dir), { recursive: true });
    await run(["setfattr", "-n", "trusted.overlay.opaque", "-v", "y", join(upper, dir)]);
  }
  chmodSync(join(upper, "root"), 0o700);
  chmodSync(join(upper, "tmp"), 0o1777);
  chmodSync(join(upper, "var/tmp"), 0o1777);
  await run([
    "mount", "-t", "overlay", "rdoctl-lab-root",
    "-o", `lowerdir=/,upperdir=${upper},workdir=${join(disk, "work")}`, root,
  ]);
  return root;
}

/** Writes a file inside the host's view, replacing a symlink there rather than writing through it. */
export function writeHostFile(root: string, path: string, content: string, mode = 0o644): void {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  rmSync(target, { force: true });
  writeFileSync(target, content, { mode });
  chmodSync(target, mode);
}

export function readHostFile(root: string, path: string): string {
  return readFileSync(join(root, path), "utf8");
}

/** Copies the host template (simulated commands, os-release, …) into the host's view. */
export function installHostTemplate(root: string): void {
  cpSync(HOST_ROOT_TEMPLATE, root, { recursive: true, force: true, dereference: false, preserveTimestamps: true });
}

/**
 * /proc/cpuinfo as the host shows it (bind-mounted over the real one at boot): this machine's,
 * with the virtualization flag added or removed so preflight's "vmx|svm" check can be steered.
 */
export function fakeCpuinfo(virtualization: boolean): string {
  const real = readFileSync("/proc/cpuinfo", "utf8");
  return real
    .split("\n")
    .map((line) => {
      if (!/^flags\s*:/.test(line)) return line;
      const withoutVirt = line.replace(/\s(vmx|svm)(?=\s|$)/g, "");
      return virtualization ? `${withoutVirt} vmx` : withoutVirt;
    })
    .join("\n");
}

/** /proc/meminfo with MemTotal/MemFree/MemAvailable set to the host's RAM. */
export function fakeMeminfo(memoryMiB: number): string {
  const kib = memoryMiB * 1024;
  const values: Record<string, number> = {
    MemTotal: kib,
    MemFree: Math.floor(kib * 0.9),
    MemAvailable: Math.floor(kib * 0.92),
  };
  return readFileSync("/proc/meminfo", "utf8")
    .split("\n")
    .map((line) => {
      const key = line.split(":")[0] ?? "";
      const value = values[key];
      return value === undefined ? line : `${`${key}:`.padEnd(16)}${String(value).padStart(8)} kB`;
    })
    .join("\n");
}
