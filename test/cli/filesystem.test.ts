import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCompiled, rdoctlSync, ROOT, STACK_TRACE, type Run } from "./helpers";

/**
 * Issue 9 item 8 (and 17's folder mode, raw errno texts): every file-system problem is one line
 * naming the path and what to do, exit 1; rdoctl creates no directory the operator did not ask for.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-fs-"));
const aio = path.join(ROOT, "inventories", "all-in-one.yaml");
const NOBODY = 65534;

beforeAll(() => {
  ensureCompiled();
  fs.chmodSync(tmp, 0o755);
}, 300_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function expectOneLine(run: Run, code: number, line: string | RegExp): void {
  expect(run.stderr).not.toMatch(STACK_TRACE);
  expect(run.stderr).not.toMatch(/\bE[A-Z]{3,}\b/); // no raw errno code such as EACCES
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  if (typeof line === "string") expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
  expect(run.code).toBe(code);
}

const home = (name: string): NodeJS.ProcessEnv => ({ RDOCTL_HOME: path.join(tmp, name) });

describe("rdoctl answers --out", () => {
  it("--out DIR/ (trailing slash) is refused, naming a file to give instead; nothing is written", () => {
    const dir = path.join(tmp, "out-dir");
    fs.mkdirSync(dir);
    const run = rdoctlSync(["answers", aio, "--out", `${dir}/`], { env: home("h1") });
    expectOneLine(run, 1, `rdoctl: ${dir}/: --out names a directory (it ends with /); give a file name such as ${dir}/answers-2025.1.txt`);
    expect(fs.readdirSync(dir)).toEqual([]);
    const missing = rdoctlSync(["answers", aio, "--out", path.join(tmp, "not-yet/")], { env: home("h1") });
    expectOneLine(missing, 1, /--out names a directory \(it ends with \/\)/);
    expect(fs.existsSync(path.join(tmp, "not-yet"))).toBe(false);
  });

  it("--out naming an existing directory is refused (it was EISDIR with a stack trace, exit 70)", () => {
    const dir = path.join(tmp, "out-dir-2");
    fs.mkdirSync(dir);
    const run = rdoctlSync(["answers", aio, "--out", dir], { env: home("h2") });
    expectOneLine(run, 1, `rdoctl: ${dir}: --out names a directory; give a file name such as ${dir}/answers-2025.1.txt`);
  });

  it("--out in a directory that does not exist is refused, and no directory is created", () => {
    const target = path.join(tmp, "nonexistent", "dir", "x.txt");
    const run = rdoctlSync(["answers", aio, "--out", target], { env: home("h3") });
    const dir = path.join(tmp, "nonexistent", "dir");
    expectOneLine(run, 1, `rdoctl: ${dir}: no such directory for --out ${target}; create it first (mkdir -p ${dir}) or choose another path`);
    expect(fs.existsSync(path.join(tmp, "nonexistent"))).toBe(false);
  });

  it("--out under a file is refused as not a directory", () => {
    const file = path.join(tmp, "plain-file");
    fs.writeFileSync(file, "x");
    const run = rdoctlSync(["answers", aio, "--out", path.join(file, "x.txt")], { env: home("h4") });
    expectOneLine(run, 1, `rdoctl: ${file}: not a directory, so --out ${path.join(file, "x.txt")} cannot be written; choose another path`);
  });

  it("a directory the user cannot write: one line naming the file, no raw errno", () => {
    const dir = path.join(tmp, "root-only");
    fs.mkdirSync(dir, { mode: 0o755 });
    const run = rdoctlSync(["answers", aio, "--secrets-test", "--out", path.join(dir, "a.txt")], { env: home("h5-nobody"), asUser: NOBODY });
    expectOneLine(run, 1, `rdoctl: ${path.join(dir, "a.txt")}: cannot write: permission denied; choose a writable directory, or fix its permissions`);
  });
});

describe("rdoctl's state directory (RDOCTL_HOME)", () => {
  it("a read-only RDOCTL_HOME is one line naming the directory and what to do (was EACCES with a stack trace)", () => {
    const readOnly = path.join(tmp, "read-only-home");
    fs.mkdirSync(readOnly, { mode: 0o755 });
    const run = rdoctlSync(["answers", aio, "--out", path.join(tmp, "ro.txt")], { env: { RDOCTL_HOME: readOnly }, asUser: NOBODY });
    expectOneLine(
      run,
      1,
      `rdoctl: ${path.join(readOnly, "clouds", "all-in-one")}: cannot create the directory: permission denied; make it writable, or set RDOCTL_HOME to a writable directory`,
    );
  });

  it("RDOCTL_HOME under a file: one line, no errno code", () => {
    const file = path.join(tmp, "home-is-a-file");
    fs.writeFileSync(file, "");
    const run = rdoctlSync(["answers", aio, "--out", path.join(tmp, "f.txt")], { env: { RDOCTL_HOME: file } });
    expectOneLine(run, 1, /^rdoctl: .*home-is-a-file.*: cannot create the directory: a part of the path is a file, not a directory; /);
  });

  it("--secrets-test creates the cloud folder 0700, like every other run (was 0755)", () => {
    const run = rdoctlSync(["answers", aio, "--secrets-test"], { env: home("h6") });
    expect(run.code).toBe(0);
    const cloudDir = path.join(tmp, "h6", "clouds", "all-in-one");
    expect(fs.statSync(cloudDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(cloudDir, "answers-2025.1.txt")).mode & 0o777).toBe(0o600);
  });
});

describe("inputs that are not files", () => {
  it("an answer file that is a directory, or unreadable: one line", () => {
    const dir = path.join(tmp, "answers-dir");
    fs.mkdirSync(dir);
    expectOneLine(rdoctlSync(["answers", "check", dir]), 1, `rdoctl: ${dir}: is a directory, not an answer file`);
    const secret = path.join(tmp, "secret-answers.txt");
    fs.writeFileSync(secret, "[general]\n", { mode: 0o600 });
    expectOneLine(rdoctlSync(["answers", "check", secret], { asUser: NOBODY }), 1, `rdoctl: ${secret}: cannot read the answer file: permission denied; make it accessible to this user, or choose another path`);
  });

  it("an inventory that is a directory or unreadable: one line", () => {
    const dir = path.join(tmp, "inventory-dir.yaml");
    fs.mkdirSync(dir);
    expectOneLine(rdoctlSync(["validate", dir]), 1, `rdoctl: ${dir}: is a directory, not an inventory`);
    const secret = path.join(tmp, "secret-inventory.yaml");
    fs.copyFileSync(aio, secret);
    fs.chmodSync(secret, 0o600);
    expectOneLine(rdoctlSync(["validate", secret], { asUser: NOBODY }), 1, `rdoctl: ${secret}: cannot read the inventory: permission denied; make it accessible to this user, or choose another path`);
  });
});
