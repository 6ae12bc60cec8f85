import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import type { Lab } from "../lab/lab";
import { labTopologySpec } from "../lab/inventory";
import type { Role, TopologySpec } from "../../src/topology/model";
import type { InstallEvent } from "../../src/install/events";

const ENTRY = path.join(__dirname, "rdoctl-entry.ts");

export interface LabCloud {
  readonly name: string;
  readonly inventory: string;
  /** RDOCTL_HOME of this cloud's state. */
  readonly home: string;
  /** ~/.ssh of the user running rdoctl (for a config file or known_hosts); its `config` is rdoctl's `ssh -F`. */
  readonly sshDir: string;
  readonly spec: TopologySpec;
  /** Runs `rdoctl ARGS` as a child process with this cloud's environment. */
  rdoctl(args: string[], options?: { onSpawn?: (child: ChildProcess) => void; onStdout?: (text: string) => void }): Promise<CliResult>;
  journal(): { steps: Record<string, { phase: string; host: string; status: string; facts?: Record<string, string> }> };
  /** Removes the inventory, state and home folder. */
  dispose(): void;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as NDJSON when --json was given. */
  readonly events: InstallEvent[];
}

/**
 * An inventory for lab hosts (their addresses, the lab's client key, host keys pinned from the
 * lab's fingerprints) and a private RDOCTL_HOME and HOME, so nothing of the operator's
 * ~/.ssh leaks in.
 */
export function labCloud(
  lab: Lab,
  name: string,
  roles: ReadonlyArray<readonly Role[]>,
  extra: Partial<TopologySpec> = {},
): LabCloud {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rdoctl-${name}-`));
  const home = path.join(dir, "rdoctl-home");
  const userHome = path.join(dir, "home");
  fs.mkdirSync(path.join(userHome, ".ssh"), { recursive: true, mode: 0o700 });
  // OpenSSH reads the passwd entry's ~/.ssh/config, not $HOME's: point it at this cloud's own.
  const sshConfig = path.join(userHome, ".ssh", "config");
  fs.writeFileSync(sshConfig, "", { mode: 0o600 });
  const spec = labTopologySpec(lab, name, roles, extra);
  const inventory = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(inventory, YAML.stringify(spec));
  return {
    name,
    inventory,
    home,
    sshDir: path.join(userHome, ".ssh"),
    spec,
    rdoctl(args, options = {}) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], {
          cwd: path.resolve(__dirname, "../.."),
          env: { ...process.env, RDOCTL_HOME: home, HOME: userHome, SSH_AUTH_SOCK: "", RDOCTL_SSH_CONFIG: sshConfig },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.setEncoding("utf8").on("data", (d: string) => {
          stdout += d;
          options.onStdout?.(d);
        });
        child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        options.onSpawn?.(child);
        child.on("close", (code, signal) => {
          const events = args.includes("--json")
            ? stdout
                .split("\n")
                .filter((l) => l.startsWith("{"))
                .map((l) => JSON.parse(l) as InstallEvent)
            : [];
          resolve({ code, signal, stdout, stderr, events });
        });
      });
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
    journal() {
      return JSON.parse(fs.readFileSync(path.join(home, "clouds", name, "journal.json"), "utf8"));
    },
  };
}
