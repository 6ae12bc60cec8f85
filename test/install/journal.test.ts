import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InstallContext } from "../../src/install/context";
import { Redactor, type InstallEvent } from "../../src/install/events";
import { Journal, hashInputs, writeFileAtomic } from "../../src/install/journal";
import { InterruptedError, PhaseFailedError, runSteps } from "../../src/install/steps";

describe("install journal", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-journal-"));
    file = path.join(dir, "clouds", "lab", "journal.json");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("hashes inputs canonically: key order does not matter, values do", () => {
    expect(hashInputs({ a: 1, b: [1, 2] })).toBe(hashInputs({ b: [1, 2], a: 1 }));
    expect(hashInputs({ a: 1, b: [1, 2] })).not.toBe(hashInputs({ a: 1, b: [2, 1] }));
    expect(hashInputs({ a: 1, c: undefined })).toBe(hashInputs({ a: 1 }));
    expect(hashInputs({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it("persists each step at once, 0600, and a reload sees it", () => {
    const j = Journal.load(file, "lab");
    const h = hashInputs({ fqdn: "c1.lab" });
    j.start("prepare", "c1", h);
    expect(Journal.load(file, "lab").get("prepare", "c1")?.status).toBe("running");
    j.finish("prepare", "c1", h, { note: "x" });
    const again = Journal.load(file, "lab");
    expect(again.isDone("prepare", "c1", h)).toBe(true);
    expect(again.get("prepare", "c1")?.facts).toEqual({ note: "x" });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["journal.json"]);
  });

  it("skips only done steps with unchanged inputs", () => {
    const j = Journal.load(file, "lab");
    const before = hashInputs({ hosts: ["c1"] });
    const after = hashInputs({ hosts: ["c1", "c2"] });
    j.finish("deployer", "c1", before);
    expect(j.isDone("deployer", "c1", before)).toBe(true);
    expect(j.isDone("deployer", "c1", after)).toBe(false);
    j.fail("prepare", "c2", before, "[c2] phase prepare: command `dnf update -y` exited 1");
    expect(j.isDone("prepare", "c2", before)).toBe(false);
    expect(Journal.load(file, "lab").get("prepare", "c2")?.error).toContain("dnf update");
  });

  it("treats steps left running by an interrupted install as not done", () => {
    const j = Journal.load(file, "lab");
    const h = hashInputs(1);
    j.start("prepare", "c1", h);
    const reloaded = Journal.load(file, "lab");
    expect(reloaded.interrupted().map((s) => `${s.phase}/${s.host}`)).toEqual(["prepare/c1"]);
    expect(reloaded.isDone("prepare", "c1", h)).toBe(false);
  });

  it("refuses a journal of another cloud, or a corrupt one, with the file named", () => {
    Journal.load(file, "lab").finish("answers", "c1", "x");
    expect(() => Journal.load(file, "other")).toThrow(/belongs to cloud lab, not other/);
    fs.writeFileSync(file, "{ half");
    expect(() => Journal.load(file, "lab")).toThrow(new RegExp(`${file.replace(/[.]/g, "\\.")}: install journal is not valid JSON`));
  });

  it("journals a failed step's error with secrets redacted (`install status` prints it)", async () => {
    const redactor = new Redactor();
    redactor.add(['pa"ss\\word-42']);
    const events: InstallEvent[] = [];
    const ctx = {
      journal: Journal.load(file, "lab"),
      redactor,
      emit: redactor.wrap((e) => events.push(e)),
      signal: new AbortController().signal,
      parallel: 2,
    } as Partial<InstallContext> as InstallContext;
    const failing = {
      phase: "prepare" as const,
      host: "c1",
      inputs: {},
      run: async () => {
        throw new Error('[c1] phase prepare: command `x` exited 1: bad password pa"ss\\word-42');
      },
    };
    await expect(runSteps(ctx, "prepare", [failing], false)).rejects.toBeInstanceOf(PhaseFailedError);
    const text = fs.readFileSync(file, "utf8");
    expect(Journal.load(file, "lab").get("prepare", "c1")?.error).toBe("[c1] phase prepare: command `x` exited 1: bad password ********");
    expect(text).not.toContain("word-42");
    expect(JSON.stringify(events)).not.toContain("word-42");
    expect(events).toContainEqual({ type: "step", phase: "prepare", host: "c1", status: "failed", message: expect.stringContaining("bad password ********") });
  });

  it("journals a step stopped by Ctrl-C as `interrupted`, said once", async () => {
    const events: InstallEvent[] = [];
    const stoppedBy = async (error: Error) => {
      const abort = new AbortController();
      const ctx = {
        journal: Journal.load(file, "lab"),
        redactor: new Redactor(),
        emit: (e: InstallEvent) => events.push(e),
        signal: abort.signal,
        parallel: 2,
      } as Partial<InstallContext> as InstallContext;
      const step = {
        phase: "run" as const,
        host: "c1",
        inputs: {},
        run: async () => {
          abort.abort();
          throw error;
        },
      };
      await expect(runSteps(ctx, "run", [step], false)).rejects.toBeInstanceOf(InterruptedError);
      return Journal.load(file, "lab").get("run", "c1")?.error;
    };
    expect(await stoppedBy(new InterruptedError())).toBe("interrupted");
    expect(events.at(-1)).toMatchObject({ type: "step", status: "failed", message: "interrupted" });
    expect(await stoppedBy(new Error("connection lost"))).toBe("interrupted: connection lost");
  });

  it("writes atomically: a reader never sees a partial file", () => {
    const target = path.join(dir, "atomic.json");
    writeFileAtomic(target, "A".repeat(1 << 20));
    const fd = fs.openSync(target, "r");
    writeFileAtomic(target, "B".repeat(10));
    // the old inode stays whole for a reader that opened it before the rename
    const buf = Buffer.alloc(1 << 20);
    expect(fs.readSync(fd, buf, 0, buf.length, 0)).toBe(1 << 20);
    fs.closeSync(fd);
    expect(fs.readFileSync(target, "utf8")).toBe("BBBBBBBBBB");
  });
});
