import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceAnswerFile } from "../../src/packstack/catalog";
import { ensureCompiled, rdoctlSync, ROOT, STACK_TRACE, type Run } from "./helpers";

/**
 * A corpus of malformed inputs (inventories, answer files, command lines) through the compiled
 * CLI: every case exits 1 (2 for usage), says what is wrong on stderr in clear lines naming the
 * file (an inventory's problems one per line, then `N problems`), never a stack trace, never raw
 * bytes of the input. Issue 9 items 8, 12, 16 and "Proof".
 */

const CORPUS = path.join(__dirname, "corpus");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-corpus-"));
const env = { RDOCTL_HOME: path.join(tmp, "home") };
const aio = path.join(ROOT, "inventories", "all-in-one.yaml");

beforeAll(() => ensureCompiled(), 300_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function generated(name: string, bytes: Buffer | string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

const LATIN1 = Buffer.from("name: caf\xe9\nhosts: []\n", "latin1");
const UTF16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name: x\nhosts: []\n", "utf16le")]);
const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
const HUGE_INVENTORY = `name: big\nhosts:\n${Array.from({ length: 40_000 }, (_, i) => `  - name: h${i}\n    address: 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}\n    roles: [compute]\n`).join("")}`;

/** The contract every malformed input is held to. */
function expectClearFailure(run: Run, code: 1 | 2, label: string): void {
  expect(run.code, `${label}\n${run.stderr}`).toBe(code);
  expect(run.stderr, label).not.toMatch(STACK_TRACE);
  expect(run.stderr, `${label}: no raw bytes of the input`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines[0], label).not.toBe("");
  if (code === 2) {
    expect(lines, `${label}: a message and a short usage line`).toHaveLength(2);
    expect(lines[1]).toMatch(/^usage: rdoctl /);
    return;
  }
  if (lines.length > 1) {
    // A list of problems, each naming the file, closed by the count.
    expect(lines[lines.length - 1], label).toMatch(/^rdoctl: .*\b\d+ problems?$/);
  } else {
    expect(lines[0], label).toMatch(/^rdoctl: /);
  }
}

describe("malformed inventories (validate, answers, secrets show, install --dry-run)", () => {
  const files = (): string[] => [
    ...fs.readdirSync(path.join(CORPUS, "inventories")).map((f) => path.join(CORPUS, "inventories", f)),
    generated("latin1.yaml", LATIN1),
    generated("utf16.yaml", UTF16),
    generated("binary.yaml", BINARY),
    generated("huge.yaml", HUGE_INVENTORY),
    path.join(tmp, "missing.yaml"),
    generated("wrong-extension.txt", fs.readFileSync(aio)),
  ];

  it("every one: exit 1, clear lines, no stack trace", () => {
    const corpus = files();
    expect(corpus.length).toBeGreaterThanOrEqual(24);
    for (const file of corpus) {
      // Every command reads inventories through the same loader: all of them for the read
      // failures (encoding, size, missing), validate and answers for the rest.
      const readFailure = !file.startsWith(CORPUS);
      const commands = [["validate", file], ["answers", file, "--out", path.join(tmp, "x.txt")], ...(readFailure ? [["secrets", "show", file], ["install", file, "--dry-run"]] : [])];
      for (const args of commands) expectClearFailure(rdoctlSync(args, { env }), 1, `rdoctl ${args.join(" ")}`);
    }
    expect(fs.existsSync(path.join(tmp, "x.txt"))).toBe(false);
  }, 300_000);

  it("says 'not a UTF-8 text file' and caps the size, naming the file", () => {
    const latin1 = generated("latin1.yaml", LATIN1);
    expect(rdoctlSync(["validate", latin1], { env }).stderr).toBe(`rdoctl: ${latin1}: not a UTF-8 text file (byte 0xe9 on line 1 is not UTF-8); save it as UTF-8 text\n`);
    const utf16 = generated("utf16.yaml", UTF16);
    expect(rdoctlSync(["validate", utf16], { env }).stderr).toBe(`rdoctl: ${utf16}: not a UTF-8 text file (it is UTF-16); save it as UTF-8 text\n`);
    const binary = generated("binary.yaml", BINARY);
    expect(rdoctlSync(["validate", binary], { env }).stderr).toMatch(/^rdoctl: .*binary\.yaml: not a UTF-8 text file \(/);
    const huge = generated("huge.yaml", HUGE_INVENTORY);
    const started = Date.now();
    const run = rdoctlSync(["validate", huge], { env });
    expect(run.stderr).toMatch(new RegExp(`^rdoctl: ${huge.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\d+\\.\\d MiB is too large for an inventory \\(at most 1\\.0 MiB\\); is this the right file\\?\\n$`));
    // Refused before parsing: no 17 s / 775 MB parse (a generous bound for a loaded machine).
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("malformed answer files (check, import, diff)", () => {
  it("every one: exit 1, clear lines, no stack trace", () => {
    const corpus = [
      ...fs.readdirSync(path.join(CORPUS, "answer-files")).map((f) => path.join(CORPUS, "answer-files", f)),
      generated("latin1.txt", Buffer.from("[general]\nCONFIG_X=caf\xe9\n", "latin1")),
      generated("utf16.txt", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("[general]\n", "utf16le")])),
      generated("binary.txt", BINARY),
      generated("huge.txt", `[general]\n${"CONFIG_X=y\n".repeat(200_000)}`),
      path.join(tmp, "missing.txt"),
      CORPUS,
    ];
    const good = generated("good.txt", referenceAnswerFile("2025.1"));
    for (const file of corpus) {
      for (const args of [["answers", "check", file], ["answers", "import", file, "--out", path.join(tmp, "inv.yaml")], ["answers", "diff", good, file]]) {
        const run = rdoctlSync(args, { env });
        // check reports an answer file's problems as findings before its verdict on stdout.
        if (args[1] === "check" && run.code === 1 && run.stdout !== "") {
          expect(run.stdout, file).toMatch(/^Packstack \S+ would (reject|accept) .*\n$/);
          expect(run.stderr).not.toMatch(STACK_TRACE);
          continue;
        }
        expectClearFailure(run, 1, `rdoctl ${args.join(" ")}`);
      }
    }
    expect(fs.existsSync(path.join(tmp, "inv.yaml"))).toBe(false);
  }, 300_000);
});

/** A directory holding a valid, empty synthesized stack. */
function stackDir(): string {
  const dir = path.join(tmp, "stack");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), "{}\n");
  return dir;
}

describe("malformed command lines", () => {
  const usage: string[][] = [
    [],
    ["bogus"],
    ["answers", "chekc", "x"],
    ["validate"],
    ["validate", aio, "--bogus"],
    ["validate", aio, "--release", ""],
    ["answers", aio, "--release"],
    ["answers", aio, "--release", "zed"],
    ["answers", aio, "--out", ""],
    ["answers", "diff", "a.txt"],
    ["answers", "diff", "--from", "2024.1"],
    ["install", aio, "--parallel", "abc"],
    ["install", aio, "--from", "nowhere"],
    ["secrets"],
    ["secrets", "rotate", aio],
    ["secrets", "set", aio],
    ["check", "--strict", "--bogus"],
  ];

  it("usage errors: exit 2, one message and a short usage line, not the help", () => {
    for (const args of usage) expectClearFailure(rdoctlSync(args, { env }), 2, `rdoctl ${args.join(" ")}`);
    expect(rdoctlSync(["answers", "chekc", "x"], { env }).stderr.split("\n")[0]).toContain("(did you mean `answers check`?)");
  });

  it("wrong targets: exit 1 with one line", () => {
    const targets: string[][] = [
      ["check", "--schema", path.join(tmp, "no-schema.json")],
      ["check", path.join(tmp, "no-synth")],
      ["answers", aio, "--out", "/proc/rdoctl-x.txt"],
      ["answers", aio, "--out", `${tmp}/`],
      ["answers", aio, "--out", path.join(tmp, "no", "such", "dir.txt")],
      ["secrets", "show", aio, "CONFIG_NOT_A_SECRET"],
      ["answers", "import", aio],
      ["check", generated("cdk.tf.json", BINARY)],
      ["check", stackDir(), "--schema", generated("schema.json", LATIN1)],
    ];
    for (const args of targets) expectClearFailure(rdoctlSync(args, { env }), 1, `rdoctl ${args.join(" ")}`);
    // Synthesized stacks and provider schemas that are not UTF-8 text are named as such.
    expect(rdoctlSync(["check", path.join(tmp, "cdk.tf.json")], { env }).stderr).toMatch(/^rdoctl: .*cdk\.tf\.json: not a UTF-8 text file \(/);
    expect(rdoctlSync(["check", stackDir(), "--schema", path.join(tmp, "schema.json")], { env }).stderr).toMatch(/^rdoctl: .*schema\.json: not a UTF-8 text file \(/);
  });
});
