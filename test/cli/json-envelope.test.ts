import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceAnswerFile } from "../../src/packstack/catalog";
import { ensureCompiled, rdoctlSync, ROOT, STACK_TRACE, type Run } from "./helpers";

/**
 * Issue 9 items 11 and 12: every command's --json output, fatal and usage errors included, is one
 * envelope (ok, exitCode, issues with a rule each) valid against schema/cli-output.schema.json;
 * `ok` and `exitCode` match the process's exit status; problems also go to stderr as text.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-json-"));
const env = { RDOCTL_HOME: path.join(tmp, "home") };
const aio = path.join(ROOT, "inventories", "all-in-one.yaml");
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, "schema", "cli-output.schema.json"), "utf8")));

beforeAll(() => ensureCompiled(), 300_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

interface Envelope {
  command: string;
  ok: boolean;
  exitCode: number;
  issues: { rule: string; severity: string; message: string }[];
  [field: string]: unknown;
}

/** Runs with --json; the stdout must be one schema-valid envelope agreeing with the exit status. */
function json(args: readonly string[], input?: string): { run: Run; out: Envelope } {
  const run = rdoctlSync([...args, "--json"], { env, ...(input !== undefined ? { input } : {}) });
  let out: Envelope;
  try {
    out = JSON.parse(run.stdout) as Envelope;
  } catch {
    throw new Error(`rdoctl ${args.join(" ")} --json: stdout is not one JSON document:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
  expect(validate(out) ? [] : ajv.errorsText(validate.errors), `rdoctl ${args.join(" ")}`).toEqual([]);
  expect(out.exitCode).toBe(run.code);
  expect(out.ok).toBe(run.code === 0);
  expect(run.stderr).not.toMatch(STACK_TRACE);
  if (run.code !== 0) expect(run.stderr, "problems go to stderr too").not.toBe("");
  return { run, out };
}

describe("--json envelope on success", () => {
  it("validate, answers, answers check, import, diff, secrets show|set|rotate: ok with exit 0", () => {
    expect(json(["validate", aio]).out).toMatchObject({ command: "validate", ok: true, valid: true });
    const file = path.join(tmp, "aio.txt");
    expect(json(["answers", aio, "--out", file]).out).toMatchObject({ command: "answers", ok: true, file, cloud: "all-in-one" });
    expect(json(["answers", "check", file]).out).toMatchObject({ command: "answers check", ok: true, accepted: true });
    expect(json(["answers", "import", file, "--name", "imported"]).out).toMatchObject({ command: "answers import", ok: true, cloud: "imported" });
    expect(json(["answers", "diff", file, file]).out).toMatchObject({ command: "answers diff", ok: true });
    expect(json(["answers", "diff", "--from", "2024.2", "--to", "2025.1"]).out).toMatchObject({ command: "answers diff", ok: true, from: "2024.2", to: "2025.1" });
    const shown = json(["secrets", "show", aio]).out;
    expect(shown).toMatchObject({ command: "secrets show", ok: true, revealed: false });
    expect(JSON.stringify(shown)).not.toContain(/^CONFIG_KEYSTONE_ADMIN_PW=(.*)$/m.exec(fs.readFileSync(file, "utf8"))![1]);
    expect(json(["secrets", "set", aio, "CONFIG_MARIADB_PW"], "Chosen-By-Operator\n").out).toMatchObject({ command: "secrets set", ok: true, key: "CONFIG_MARIADB_PW" });
    expect(json(["secrets", "rotate", aio, "CONFIG_MARIADB_PW"]).out).toMatchObject({ command: "secrets rotate", ok: true, rotated: ["CONFIG_MARIADB_PW"] });
    expect(json(["secrets", "show", aio, "--reveal"]).out).toMatchObject({ revealed: true });
  });
});

describe("--json envelope on failure", () => {
  it("an invalid inventory: every issue with its rule, exit 1", () => {
    const bad = write("bad.yaml", fs.readFileSync(aio, "utf8").replace(/^name: .*$/m, "name: all-in-one\nbogus: 1"));
    const { out } = json(["validate", bad]);
    expect(out).toMatchObject({ command: "validate", ok: false, exitCode: 1, valid: false });
    expect(out.issues.length).toBeGreaterThan(0);
    const answers = json(["answers", bad]).out;
    expect(answers).toMatchObject({ command: "answers", ok: false, exitCode: 1 });
    expect(answers.issues).toEqual(out.issues);
  });

  it("fatal errors print the envelope too: missing inventory, missing answer file, nothing synthesized", () => {
    const missing = path.join(tmp, "missing.yaml");
    expect(json(["validate", missing]).out).toMatchObject({ ok: false, exitCode: 1, issues: [{ rule: "input-file", message: `${missing}: inventory not found` }] });
    expect(json(["answers", "check", path.join(tmp, "none.txt")]).out).toMatchObject({ command: "answers check", exitCode: 1 });
    expect(json(["check", path.join(tmp, "no-synth")]).out).toMatchObject({ command: "check", exitCode: 1 });
    expect(json(["install", "status", missing]).out).toMatchObject({ command: "install status", exitCode: 1 });
  });

  it("usage errors: exit 2 with rule usage, and on stderr one message plus a short usage line, not the help", () => {
    for (const args of [["validate"], ["answers", "check"], ["validate", aio, "--bogus"], ["answers", aio, "--release", "zed"], ["nonsense"], ["secrets", "rotate", aio]]) {
      const { run, out } = json(args);
      expect(out.exitCode, args.join(" ")).toBe(2);
      expect(out.issues[0]!.rule).toBe("usage");
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines, run.stderr).toHaveLength(2);
      expect(lines[1]).toMatch(/^usage: rdoctl .*\(`rdoctl .*--help` lists the options\)$/);
      expect(run.stderr).not.toContain("Options:");
    }
  });

  it("install --json: NDJSON whose last line is the envelope with type result", () => {
    const run = rdoctlSync(["install", path.join(tmp, "missing.yaml"), "--json"], { env });
    expect(run.code).toBe(1);
    const last = JSON.parse(run.stdout.trimEnd().split("\n").pop()!) as Envelope;
    expect(last).toMatchObject({ type: "result", command: "install", ok: false, exitCode: 1 });
    expect(validate(last) ? [] : ajv.errorsText(validate.errors)).toEqual([]);
  });
});

describe("answers check: verdict text, JSON and exit code say the same thing (item 11)", () => {
  const withTypos = (): string =>
    write(
      "edited.txt",
      referenceAnswerFile("2025.1")
        .replace("CONFIG_HEAT_INSTALL=n", "CONFIG_HEAT_INSTAL=y")
        .replace("CONFIG_MANILA_INSTALL=n", "CONFIG_MANILA_INSTALL=n\nCONFIG_NOVA_THING=1\nCONFIG_SWIFT_THING=2"),
    );

  it("accepted but keys silently ignored: exit 1, the verdict says so, ok false in JSON", () => {
    const file = withTypos();
    const text = rdoctlSync(["answers", "check", file, "--release", "2025.1"], { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toBe(`Packstack 2025.1 would accept ${file} but silently ignore 3 parts\n`);
    expect(text.stderr).toContain(`${file}:`);
    expect(text.stderr.trimEnd().split("\n").pop()).toBe(`rdoctl: ${file}: 3 problems`);
    const { out } = json(["answers", "check", file, "--release", "2025.1"]);
    expect(out).toMatchObject({ ok: false, exitCode: 1, accepted: true, verdict: `Packstack 2025.1 would accept ${file} but silently ignore 3 parts` });
    expect(out.issues.filter((i) => i.severity === "error").map((i) => i.rule)).toEqual(["unknown-key", "unknown-key", "unknown-key"]);
  });

  it("with --allow-unknown the same file passes: exit 0, ok true, and the verdict says why", () => {
    const file = withTypos();
    const text = rdoctlSync(["answers", "check", file, "--release", "2025.1", "--allow-unknown"], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`Packstack 2025.1 would accept ${file} but silently ignore 3 parts, as --allow-unknown allows\n`);
    expect(json(["answers", "check", file, "--release", "2025.1", "--allow-unknown"]).out).toMatchObject({ ok: true, exitCode: 0 });
  });

  it("rejected: exit 1, the verdict gives Packstack's reason", () => {
    const file = write("rejected.txt", referenceAnswerFile("2025.1").replace("CONFIG_NEUTRON_INSTALL=y", "CONFIG_NEUTRON_INSTALL=n"));
    const text = rdoctlSync(["answers", "check", file, "--release", "2025.1"], { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^Packstack 2025\\.1 would reject ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .+\\n$`));
    const { out } = json(["answers", "check", file, "--release", "2025.1"]);
    expect(out).toMatchObject({ ok: false, accepted: false });
    expect(out.verdict).toBe(text.stdout.trimEnd());
  });
});
