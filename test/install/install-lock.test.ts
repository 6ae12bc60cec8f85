import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InstallLock, installLockFile, isStale, liveHolder, type LockHolder } from "../../src/install/install-lock";

/** A pid that surely belongs to no process: a child's, after it has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("install lock", () => {
  let dir: string;
  let file: string;
  const taken: InstallLock[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-lock-"));
    file = installLockFile(path.join(dir, "clouds", "lab"));
  });
  afterEach(() => {
    for (const l of taken.splice(0)) l.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const acquire = () => {
    const attempt = InstallLock.acquire(file);
    if ("lock" in attempt) taken.push(attempt.lock);
    return attempt;
  };

  it("is taken once: a second taker learns who holds it; released, it can be taken again", () => {
    const first = acquire();
    expect("lock" in first).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = acquire();
    expect(second).toEqual({ heldBy: { pid: process.pid, host: os.hostname(), startedAt: expect.any(String), procStart: expect.stringMatching(/^\d+$/) } });
    expect(liveHolder(file)?.pid).toBe(process.pid);
    if ("lock" in first) first.lock.release();
    expect(fs.existsSync(file)).toBe(false);
    expect(liveHolder(file)).toBeUndefined();
    expect("lock" in acquire()).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["install.lock"]);
  });

  it("breaks a lock whose process is gone, or whose pid now names another process", () => {
    const gone: LockHolder = { pid: deadPid(), host: os.hostname(), startedAt: "2026-01-01T00:00:00.000Z" };
    expect(isStale(gone)).toBe(true);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(gone));
    expect(liveHolder(file)).toBeUndefined();
    const attempt = acquire();
    expect("lock" in attempt).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).pid).toBe(process.pid);
    if ("lock" in attempt) attempt.lock.release();

    const reused: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: "2026-01-01T00:00:00.000Z", procStart: "1" };
    expect(isStale(reused)).toBe(true);
    fs.writeFileSync(file, JSON.stringify(reused));
    expect("lock" in acquire()).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["install.lock"]);
  });

  it("counts a zombie holder (killed, not yet reaped) as gone", async () => {
    // `sleep 0` exits under a parent (the exec'd `sleep 2`) that never reaps it.
    const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 2"], { stdio: ["ignore", "pipe", "ignore"] });
    const zombie = await new Promise<number>((resolve) => parent.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
    try {
      for (let i = 0; i < 40 && !/\) Z /.test(fs.readFileSync(`/proc/${zombie}/stat`, "utf8")); i++) await new Promise((r) => setTimeout(r, 25));
      expect(isStale({ pid: zombie, host: os.hostname(), startedAt: "2026-01-01T00:00:00.000Z" })).toBe(true);
      expect(isStale({ pid: parent.pid!, host: os.hostname(), startedAt: "2026-01-01T00:00:00.000Z" })).toBe(false);
    } finally {
      parent.kill("SIGKILL");
    }
  });

  it("never breaks a lock held on another machine, and refuses a file that is not a lock", () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const elsewhere: LockHolder = { pid: deadPid(), host: `not-${os.hostname()}`, startedAt: "2026-01-01T00:00:00.000Z" };
    fs.writeFileSync(file, JSON.stringify(elsewhere));
    expect(acquire()).toEqual({ heldBy: elsewhere });
    fs.writeFileSync(file, "garbage");
    expect(() => acquire()).toThrow(/install\.lock: not an rdoctl install lock; remove it if no `rdoctl install` of this cloud is running/);
  });

  it("release leaves a lock that another process took in the meantime", () => {
    const attempt = acquire();
    if (!("lock" in attempt)) throw new Error("lock not taken");
    const other: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: "2026-01-02T00:00:00.000Z" };
    fs.writeFileSync(file, JSON.stringify(other));
    attempt.lock.release();
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(other);
  });
});
