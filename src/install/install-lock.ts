import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RdoctlError } from "../errors";

/** Who holds a cloud's install lock, as written in the lock file. */
export interface LockHolder {
  readonly pid: number;
  /** Machine the holder runs on: its pid means nothing elsewhere. */
  readonly host: string;
  readonly startedAt: string;
  /** The holder's start time in clock ticks since boot (/proc/PID/stat), so a reused pid is not taken for it. */
  readonly procStart?: string;
}

export type LockAttempt = { readonly lock: InstallLock } | { readonly heldBy: LockHolder };

/** The lock file of a cloud's state directory. */
export function installLockFile(cloudDir: string): string {
  return path.join(cloudDir, "install.lock");
}

/** State letter and start time of a process, from /proc (Linux); undefined elsewhere or when gone. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", start: fields[19] ?? "" };
  } catch {
    return undefined;
  }
}

function readHolder(file: string): LockHolder | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    if (Number.isInteger(holder.pid) && typeof holder.host === "string") return holder;
  } catch {
    // reported below
  }
  throw new RdoctlError(`${file}: not an rdoctl install lock; remove it if no \`rdoctl install\` of this cloud is running`);
}

/** A holder on this machine whose process is gone (or whose pid now belongs to another process). */
export function isStale(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return true;
  }
  const now = procStat(holder.pid);
  if (!now) return false;
  // A zombie (killed, not yet reaped by its parent) holds nothing any more.
  return now.state === "Z" || (holder.procStart !== undefined && now.start !== holder.procStart);
}

/** The holder of a lock file when it is alive; none for a missing, stale or unreadable lock. */
export function liveHolder(file: string): LockHolder | undefined {
  try {
    const holder = readHolder(file);
    return holder && !isStale(holder) ? holder : undefined;
  } catch {
    return undefined;
  }
}

export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}`;
}

/**
 * One `rdoctl install` per cloud on this machine: the journal and the fetched credentials are
 * rewritten whole, so two writers would undo each other's steps. The lock file is made
 * complete under a temporary name and then hard-linked into place — as exclusive as O_EXCL, and
 * a reader never sees it half written. A holder whose process is gone is broken automatically.
 */
export class InstallLock {
  private released = false;
  private readonly releaseAtExit = (): void => this.release();

  private constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {}

  static acquire(file: string): LockAttempt {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const holder: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), procStart: procStat(process.pid)?.start };
    const text = JSON.stringify(holder) + "\n";
    // A few rounds: each stale lock broken may race with another process taking it.
    for (let round = 0; round < 5; round++) {
      const tmp = `${file}.${process.pid}-${randomBytes(4).toString("hex")}`;
      fs.writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
      try {
        fs.linkSync(tmp, file);
        const lock = new InstallLock(file, holder);
        // Also on a second Ctrl-C, which ends the process without unwinding.
        process.once("exit", lock.releaseAtExit);
        return { lock };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      const current = readHolder(file);
      if (!current) continue;
      if (!isStale(current)) return { heldBy: current };
      breakStaleLock(file, current);
    }
    throw new RdoctlError(`${file}: could not take the install lock (other processes keep taking it)`);
  }

  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off("exit", this.releaseAtExit);
    try {
      const current = readHolder(this.file);
      if (current && current.pid === this.holder.pid && current.startedAt === this.holder.startedAt) fs.rmSync(this.file, { force: true });
    } catch {
      // an unreadable lock file is not ours to remove
    }
  }
}

/**
 * Moves a stale lock aside and removes it — unless, between judging it and moving it,
 * another process replaced it with a live one: that one is put back.
 */
function breakStaleLock(file: string, stale: LockHolder): void {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const moved = readHolder(aside);
  if (moved && (moved.pid !== stale.pid || moved.startedAt !== stale.startedAt)) {
    try {
      fs.linkSync(aside, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  fs.rmSync(aside, { force: true });
}
