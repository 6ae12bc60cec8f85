import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";
import { fileSystemError, isErrnoException, RdoctlError } from "./errors";

/**
 * Where rdoctl keeps per-cloud state on the operator's machine: secrets, the install journal,
 * fetched credentials and logs. Never inside git (the project's .gitignore lists `.rdoctl/`).
 *
 * `RDOCTL_HOME` moves it; the default is one per-user place, `$XDG_STATE_HOME/rdoctl`
 * (`~/.local/state/rdoctl`), so every command finds a cloud's state wherever it runs.
 */
export function workspaceRoot(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.RDOCTL_HOME;
  if (configured) return path.resolve(configured.replace(/^~(?=$|\/)/, os.homedir()));
  const stateHome = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), ".local", "state");
  return path.join(stateHome, "rdoctl");
}

/**
 * State left in `./.rdoctl/` by rdoctl before the per-user default: refused rather than
 * silently starting over (new secrets would not match the installed cloud).
 */
function refuseOldDefault(cloud: string, root: string): void {
  const old = path.resolve(".rdoctl", "clouds", cloud);
  if (process.env.RDOCTL_HOME || old === path.join(root, "clouds", cloud)) return;
  if (fs.existsSync(old) && !fs.existsSync(path.join(root, "clouds", cloud))) {
    throw new RdoctlError(`cloud ${cloud}'s state is in ${old} (the old default place); move it: mkdir -p ${path.join(root, "clouds")} && mv ${old} ${path.join(root, "clouds")}/ (or set RDOCTL_HOME=${path.resolve(".rdoctl")})`);
  }
}

export interface CloudPaths {
  readonly dir: string;
  /** Generated passwords and secrets, JSON, mode 0600. */
  readonly secrets: string;
  /** Install journal: phase × host, with input hashes. */
  readonly journal: string;
  /** Logs and files fetched from the hosts. */
  readonly artifacts: string;
  /** The answer file rdoctl uploaded last, mode 0600. */
  readonly answerFile: string;
  /** keystonerc_admin as fetched from the controller, mode 0600. */
  readonly keystonerc: string;
  /** openrc for the admin user, mode 0600. */
  readonly openrc: string;
  /** clouds.yaml with one entry named after the cloud, mode 0600. */
  readonly cloudsYaml: string;
  /** Host keys accepted for this cloud's hosts (OpenSSH known_hosts format). */
  readonly knownHosts: string;
  /** Answer files `rdoctl answers` wrote from the secrets store, so `rdoctl secrets set|rotate` can regenerate them. */
  readonly answerFiles: string;
}

export function cloudPaths(cloud: string, root?: string): CloudPaths {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(cloud)) {
    throw new RdoctlError(`cloud name ${JSON.stringify(cloud)} cannot name a directory (letters, digits, . _ -)`);
  }
  if (root === undefined) {
    root = workspaceRoot();
    refuseOldDefault(cloud, root);
  }
  const dir = path.join(root, "clouds", cloud);
  return {
    dir,
    secrets: path.join(dir, "secrets.json"),
    journal: path.join(dir, "journal.json"),
    artifacts: path.join(dir, "artifacts"),
    answerFile: path.join(dir, "answers.txt"),
    keystonerc: path.join(dir, "keystonerc_admin"),
    openrc: path.join(dir, "admin-openrc.sh"),
    cloudsYaml: path.join(dir, "clouds.yaml"),
    knownHosts: path.join(dir, "known_hosts"),
    answerFiles: path.join(dir, "answer-files.json"),
  };
}

/**
 * Creates `dir` (and its parents) for a cloud's state: mode 0700, repaired when wider, since it
 * holds secrets and answer files. A problem is one line naming the directory.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((fs.statSync(dir).mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
  } catch (err) {
    if (isErrnoException(err)) throw fileSystemError(err, { todo: "make it writable, or set RDOCTL_HOME to a writable directory" });
    throw err;
  }
}
