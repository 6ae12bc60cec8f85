import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main";
import { defaultSynthDir } from "../../src/cloud/check/run-check";
import { fixtureStack } from "./helpers";

const MINI = path.join(__dirname, "fixtures", "mini-schema.json");
let dir: string;

/** A cdktf.out-shaped directory: manifest.json and stacks/NAME/cdk.tf.json. */
function writeSynthOutput(root: string, stacks: Record<string, unknown>): void {
  const manifest: { version: string; stacks: Record<string, unknown> } = { version: "0.21.0", stacks: {} };
  for (const [name, tfJson] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(root, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(root, "stacks", name, "cdk.tf.json"), JSON.stringify(tfJson, null, 2));
    manifest.stacks[name] = { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}` };
  }
  fs.writeFileSync(path.join(root, "manifest.json"), JSON.stringify(manifest));
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(["node", "rdoctl", "check", ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-check-"));
  const broken = fixtureStack("good");
  broken["//"].metadata.stackName = "broken";
  broken.resource.openstack_networking_subnet_v2.tenant.ip_versoin = 4;
  writeSynthOutput(path.join(dir, "clean"), { good: fixtureStack("good") });
  writeSynthOutput(path.join(dir, "mixed"), { good: fixtureStack("good"), broken });
});

afterEach(() => {
  process.exitCode = undefined;
});

describe("rdoctl check", () => {
  it("exits 0 on clean stacks and says what it checked", async () => {
    const r = await run(path.join(dir, "clean"), "--schema", MINI);
    expect(r).toMatchObject({ code: 0, stdout: "" });
    expect(r.stderr).toMatch(/^rdoctl check: 1 stack \(9 resources and data sources\) against .*mini-schema\.json: no findings \(\d+ ms\)\n$/);
  });

  it("exits 1 and prints one line per finding, naming file, stack, resource, construct and attribute", async () => {
    const r = await run(path.join(dir, "mixed"), "--schema", MINI);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toBe(
      `${path.join(dir, "mixed", "stacks", "broken", "cdk.tf.json")}: broken openstack_networking_subnet_v2.tenant (good/net/tenant-subnet): ip_versoin: unknown attribute "ip_versoin"; did you mean "ip_version"?`,
    );
    expect(r.stderr).toContain("2 stacks (18 resources and data sources)");
    expect(r.stderr).toContain("1 error, 0 warnings");
  });

  it("accepts a single cdk.tf.json and one stack's directory", async () => {
    const file = path.join(dir, "mixed", "stacks", "broken", "cdk.tf.json");
    expect((await run(file, "--schema", MINI)).code).toBe(1);
    expect((await run(path.dirname(file), "--schema", MINI)).stderr).toContain("ip_versoin");
    expect((await run(path.join(dir, "clean", "stacks", "good"), "--schema", MINI)).code).toBe(0);
  });

  it("--json prints the findings as data", async () => {
    const r = await run(path.join(dir, "mixed"), "--schema", MINI, "--json");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: unknown[]; stacks: { name: string }[]; errors: number };
    expect(report.stacks.map((s) => s.name).sort()).toEqual(["broken", "good"]);
    expect(report.errors).toBe(1);
    expect(report.findings).toMatchObject([{ stack: "broken", address: "openstack_networking_subnet_v2.tenant", attributePath: "ip_versoin", rule: "unknown-attribute", constructPath: "good/net/tenant-subnet" }]);
  });

  it("says to run cdktf synth when nothing was synthesized", async () => {
    const missing = await run(path.join(dir, "nowhere"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`rdoctl: ${path.join(dir, "nowhere")} does not exist; nothing has been synthesized yet (run \`npx cdktf synth\` first)\n`);
    fs.mkdirSync(path.join(dir, "empty"));
    const empty = await run(path.join(dir, "empty"));
    expect(empty.stderr).toContain("no synthesized stacks in");
    expect(empty.stderr).toContain("run `npx cdktf synth` first");
  });

  it("without DIR, reads where cdktf.json says cdktf writes, else cdktf.out", async () => {
    const project = fs.mkdtempSync(path.join(dir, "project-"));
    expect(defaultSynthDir(path.join(project, "cdktf.json"))).toBe("cdktf.out");
    fs.writeFileSync(path.join(project, "cdktf.json"), JSON.stringify({ app: "npx tsx main.ts", output: "synth-out" }));
    expect(defaultSynthDir(path.join(project, "cdktf.json"))).toBe("synth-out");
    const cwd = process.cwd();
    process.chdir(project);
    try {
      expect((await run()).stderr).toBe("rdoctl: synth-out does not exist; nothing has been synthesized yet (run `npx cdktf synth` first)\n");
      writeSynthOutput(path.join(project, "synth-out"), { good: fixtureStack("good") });
      expect(await run("--schema", MINI)).toMatchObject({ code: 0, stdout: "" });
    } finally {
      process.chdir(cwd);
    }
  });

  it("reports an unreadable schema or stack as a user error", async () => {
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, "{ not json");
    expect((await run(path.join(dir, "clean"), "--schema", bad)).stderr).toMatch(/^rdoctl: .*bad\.json: not valid JSON/);
    expect((await run(bad, "--schema", MINI)).stderr).toMatch(/^rdoctl: .*bad\.json: not valid JSON/);
  });

  it("never loads cdktf or constructs", () => {
    const script = `const { main } = require(${JSON.stringify(path.resolve(__dirname, "../../src/cli/main"))});
main(["node", "rdoctl", "check", ${JSON.stringify(path.join(dir, "clean"))}, "--schema", ${JSON.stringify(MINI)}]).then((code) => {
  const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](cdktf|constructs)[\\\\/]/.test(k));
  process.stdout.write(JSON.stringify({ code, loaded }));
});`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: path.resolve(__dirname, "../.."), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    expect(JSON.parse(out)).toEqual({ code: 0, loaded: [] });
  });
});
