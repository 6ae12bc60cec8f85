import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceAnswerFile } from "../../src/packstack/catalog";
import { generateAnswers } from "../../src/packstack/answers";
import { DeterministicSecretSource } from "../../src/packstack/secrets";
import { valuesOfRenderedFile } from "../../src/packstack/writer";
import { inventory, rdoctl, ROOT } from "./helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-answers-cli-"));
// Secrets stores go to a scratch workspace, never into the checkout.
const previousHome = process.env.RDOCTL_HOME;
beforeAll(() => {
  process.env.RDOCTL_HOME = path.join(tmp, "workspace");
});
afterAll(() => {
  if (previousHome === undefined) delete process.env.RDOCTL_HOME;
  else process.env.RDOCTL_HOME = previousHome;
  fs.rmSync(tmp, { recursive: true, force: true });
});
const aio = path.join(ROOT, "inventories", "all-in-one.yaml");

describe("rdoctl answers", () => {
  it("writes the file 0600 and prints only its path and a summary, never a secret", async () => {
    const out = path.join(tmp, "aio.txt");
    const run = await rdoctl("answers", aio, "--release", "2024.1", "--out", out);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`wrote ${out}: Packstack 2024.1 answer file for cloud all-in-one, 295 parameters, secrets from the per-cloud secrets file (mode 0600, outside git)\n`);
    expect(run.stderr).toBe("");
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(out, "utf8");
    const password = /^CONFIG_KEYSTONE_ADMIN_PW=(.+)$/m.exec(text)![1]!;
    expect(run.stdout).not.toContain(password);
  });

  it("prints the file itself only with --out -", async () => {
    const run = await rdoctl("answers", aio, "--secrets-test", "--out", "-");
    expect(run.code).toBe(0);
    const expected = generateAnswers(inventory("all-in-one"), { secrets: new DeterministicSecretSource("all-in-one") }).text;
    expect(run.stdout).toBe(expected);
  });

  it("--json summarises without values unless the file goes to stdout", async () => {
    const run = await rdoctl("answers", aio, "--secrets-test", "--json", "--out", path.join(tmp, "j.txt"));
    expect(JSON.parse(run.stdout)).toEqual({
      command: "answers",
      ok: true,
      exitCode: 0,
      issues: [],
      file: path.join(tmp, "j.txt"),
      cloud: "all-in-one",
      release: "2025.1",
      parameters: 292,
      secrets: "deterministic test source (NOT for real clouds)",
    });
  });

  it("reports inventory and usage errors without a stack", async () => {
    const missing = await rdoctl("answers", path.join(tmp, "nope.yaml"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`rdoctl: ${path.join(tmp, "nope.yaml")}: inventory not found\n`);
    const release = await rdoctl("answers", aio, "--release", "zed");
    expect(release.code).toBe(2);
    expect(release.stderr).toBe('rdoctl: unknown release "zed"; rdoctl supports 2023.1 (antelope), 2023.2 (bobcat), 2024.1 (caracal), 2024.2 (dalmatian), 2025.1 (epoxy), master (flamingo)\nusage: rdoctl answers [options] [command] [inventory]  (`rdoctl answers --help` lists the options)\n');
  });

  it("check: exit 0 when Packstack accepts and nothing is ignored, 1 otherwise", async () => {
    const good = path.join(tmp, "good.txt");
    fs.writeFileSync(good, referenceAnswerFile("2024.2"));
    const ok = await rdoctl("answers", "check", good, "--release", "2024.2");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`Packstack 2024.2 would accept ${good} as written\n`);
    const typo = path.join(tmp, "typo.txt");
    fs.writeFileSync(typo, referenceAnswerFile("2024.2").replace("CONFIG_HEAT_INSTALL=n", "CONFIG_HEAT_INSTAL=y"));
    const bad = await rdoctl("answers", "check", typo, "--release", "2024.2");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${typo}:53: error: unknown key CONFIG_HEAT_INSTAL: Packstack 2024.2 ignores it silently; did you mean CONFIG_HEAT_INSTALL?`);
    expect((await rdoctl("answers", "check", typo, "--release", "2024.2", "--allow-unknown")).code).toBe(0);
    const json = await rdoctl("answers", "check", typo, "--release", "2025.1", "--json");
    const parsed = JSON.parse(json.stdout) as { accepted: boolean; errors: { code: string }[] };
    expect(parsed.accepted).toBe(true);
    expect(parsed.errors.map((e) => e.code)).toEqual(["unknown-key", "other-release-key", "other-release-key"]);
    const rejected = path.join(tmp, "rejected.txt");
    fs.writeFileSync(rejected, referenceAnswerFile("2025.1").replace("CONFIG_NEUTRON_INSTALL=y", "CONFIG_NEUTRON_INSTALL=n"));
    const no = await rdoctl("answers", "check", rejected);
    expect(no.code).toBe(1);
    expect(no.stdout).toContain("would reject");
    expect(no.stdout.split("\n").length).toBe(2);
    expect((await rdoctl("answers", "check", path.join(tmp, "absent.txt"))).stderr).toBe(`rdoctl: ${path.join(tmp, "absent.txt")}: answer file not found\n`);
  });

  it("import writes an inventory without secrets; --keep-secrets seeds the cloud's store", async () => {
    const source = path.join(tmp, "lab-answers.txt");
    fs.writeFileSync(source, referenceAnswerFile("2025.1"));
    const home = path.join(tmp, "home");
    const previous = process.env.RDOCTL_HOME;
    process.env.RDOCTL_HOME = home;
    try {
      const run = await rdoctl("answers", "import", source, "--name", "lab", "--keep-secrets", "--out", path.join(tmp, "lab.yaml"));
      expect(run.code).toBe(0);
      const yaml = fs.readFileSync(path.join(tmp, "lab.yaml"), "utf8");
      expect(yaml).toContain("name: lab\n");
      // The $schema comment is written for where the file goes (here outside rdoctl's tree: absolute).
      expect(yaml.split("\n")[0]).toBe(`# yaml-language-server: $schema=${path.join(ROOT, "schema", "inventory.schema.json")}`);
      expect(yaml).not.toContain("4ef14026494a4a29");
      const store = JSON.parse(fs.readFileSync(path.join(home, "clouds", "lab", "secrets.json"), "utf8")) as { secrets: Record<string, string> };
      expect(store.secrets.CONFIG_MARIADB_PW).toBe("4ef14026494a4a29");
      const regen = await rdoctl("answers", path.join(tmp, "lab.yaml"), "--out", "-");
      // Every value comes back, the passwords of services the file does not install included
      // (PW_PLACEHOLDER there, as Packstack leaves them: nothing reads them).
      const original = valuesOfRenderedFile(referenceAnswerFile("2025.1"));
      const regenerated = valuesOfRenderedFile(regen.stdout);
      expect(Object.keys(original).filter((k) => original[k] === "PW_PLACEHOLDER").length).toBeGreaterThan(10);
      expect(Object.keys(regenerated).filter((k) => regenerated[k] !== original[k])).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.RDOCTL_HOME;
      else process.env.RDOCTL_HOME = previous;
    }
  });

  it("diff: releases and files, table and JSON; usage errors exit 2", async () => {
    const table = await rdoctl("answers", "diff", "--from", "2023.2", "--to", "2024.1");
    expect(table.stdout.split("\n")[0]).toBe("2023.2 → 2024.1: 4 removed keys, 1 key with other choices");
    expect(table.code).toBe(0);
    const json = await rdoctl("answers", "diff", "--from", "2024.1", "--to", "2024.2", "--json");
    expect((JSON.parse(json.stdout) as { changes: unknown[] }).changes).toHaveLength(3);
    const a = path.join(tmp, "d1.txt");
    const b = path.join(tmp, "d2.txt");
    fs.writeFileSync(a, referenceAnswerFile("2025.1"));
    fs.writeFileSync(b, referenceAnswerFile("2025.1").replace("CONFIG_DEBUG_MODE=n", "CONFIG_DEBUG_MODE=y"));
    const differing = await rdoctl("answers", "diff", a, b);
    expect(differing.stdout).toMatch(/CONFIG_DEBUG_MODE\s+value\s+n\s+y/);
    expect(differing.code).toBe(1);
    // diff(1)'s convention: 0 when the same.
    const same = await rdoctl("answers", "diff", a, a, "--json");
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ ok: true, exitCode: 0, differs: false, changes: [] });
    expect((await rdoctl("answers", "diff", "--from", "2023.1", "--to", "bobcat")).code).toBe(0);
    expect((await rdoctl("answers", "diff", a)).code).toBe(2);
  });

  it("import --keep-secrets keeps every secret of the file, those of services it does not install included", async () => {
    const previous = process.env.RDOCTL_HOME;
    process.env.RDOCTL_HOME = path.join(tmp, "keep-home");
    try {
      // A file whose disabled services carry real passwords (an older rdoctl wrote them all).
      let n = 0;
      const drawn = generateAnswers(inventory("all-in-one"), { secrets: new DeterministicSecretSource("old") }).text.replace(/=PW_PLACEHOLDER$/gm, () => `=${(++n).toString(16).padStart(16, "a")}`);
      expect(n).toBeGreaterThan(10);
      // As Packstack's processor has it: Trove's Nova password is Trove's Keystone one.
      const text = drawn.replace(/^CONFIG_TROVE_NOVA_PW=.*$/m, `CONFIG_TROVE_NOVA_PW=${/^CONFIG_TROVE_KS_PW=(.*)$/m.exec(drawn)![1]}`);
      const source = path.join(tmp, "old-cloud.txt");
      fs.writeFileSync(source, text);
      const imported = await rdoctl("answers", "import", source, "--name", "kept", "--keep-secrets", "--out", path.join(tmp, "kept.yaml"));
      expect(imported.code).toBe(0);
      const regen = await rdoctl("answers", path.join(tmp, "kept.yaml"), "--out", "-");
      expect(regen.code).toBe(0);
      const [before, after] = [valuesOfRenderedFile(text), valuesOfRenderedFile(regen.stdout)];
      expect(Object.keys(before).filter((k) => before[k] !== after[k])).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.RDOCTL_HOME;
      else process.env.RDOCTL_HOME = previous;
    }
  });

  it("check: a byte-order mark or an ignored section is never accepted", async () => {
    const bom = path.join(tmp, "bom.txt");
    fs.writeFileSync(bom, `\ufeff${referenceAnswerFile("2025.1")}`);
    const rejected = await rdoctl("answers", "check", bom, "--release", "epoxy");
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toMatch(/^Packstack 2025\.1 would reject .*bom\.txt: Failed handling answer file: File contains no section headers/);
    const extra = path.join(tmp, "extra.txt");
    fs.writeFileSync(extra, `${referenceAnswerFile("2025.1")}[extra]\nCONFIG_DEBUG_MODE=y\n`);
    const ignored = await rdoctl("answers", "check", extra, "--release", "2025.1");
    expect(ignored.code).toBe(1);
    expect(ignored.stdout).toMatch(/would accept .*extra\.txt but silently ignore/);
  });

  it("answers refuses what validate refuses, at the same file:line:column", async () => {
    const file = path.join(tmp, "owned.yaml");
    fs.writeFileSync(file, "name: owned\nhosts:\n  - {name: aio, address: 10.0.0.10, roles: [controller, compute]}\nservices: {neutron: {l2Agent: openvswitch}}\npackstack:\n  CONFIG_NEUTRON_L2_AGENT: ovn\n");
    const expected = `${file}:6:28: packstack.CONFIG_NEUTRON_L2_AGENT: CONFIG_NEUTRON_L2_AGENT is written from services.neutron.l2Agent; an override would bypass the checks that keep it consistent with the rest of the model (expected services.neutron.l2Agent instead of packstack.CONFIG_NEUTRON_L2_AGENT)`;
    const answers = await rdoctl("answers", file, "--secrets-test", "--out", "-");
    const validate = await rdoctl("validate", file);
    expect([answers.code, validate.code]).toEqual([1, 1]);
    expect(answers.stdout).toBe("");
    expect(answers.stderr.split("\n")[0]).toBe(expected);
    expect(validate.stderr.split("\n")[0]).toBe(expected);
  });

  it("--help works on every subcommand", async () => {
    for (const sub of [[], ["check"], ["import"], ["diff"]]) {
      const run = await rdoctl("answers", ...sub, "--help");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: rdoctl answers/);
    }
  });

  it("loads neither cdktf, constructs, terraform code nor ssh2", () => {
    const modulesOut = path.join(tmp, "modules.json");
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "fixtures", "loaded-modules.ts"), "answers", aio, "--secrets-test", "--out", path.join(tmp, "m.txt")],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, RDOCTL_TEST_MODULES_OUT: modulesOut } },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const loaded = JSON.parse(fs.readFileSync(modulesOut, "utf8")) as string[];
    expect(loaded.some((m) => m.includes(`${path.sep}src${path.sep}packstack${path.sep}answers`))).toBe(true);
    expect(loaded.filter((m) => /node_modules[/\\](cdktf|constructs|ssh2|@cdktf)[/\\]|[/\\]src[/\\](cdktf|cloud[/\\]|install[/\\])/.test(m))).toEqual([]);
    // The fixture itself runs under tsx's loader; the CommonJS API is what loadTopology adds for .ts files.
    expect(loaded.filter((m) => TSX_CJS_API.test(m))).toEqual([]);
  });

  it("loads tsx's CommonJS API only for a TypeScript topology", () => {
    const modulesOut = path.join(tmp, "modules-ts.json");
    const topology = path.join(ROOT, "stacks", "topologies", "three-node.ts");
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "fixtures", "loaded-modules.ts"), "answers", topology, "--secrets-test", "--out", path.join(tmp, "m-ts.txt")],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, RDOCTL_TEST_MODULES_OUT: modulesOut } },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const loaded = JSON.parse(fs.readFileSync(modulesOut, "utf8")) as string[];
    expect(loaded.some((m) => TSX_CJS_API.test(m))).toBe(true);
  });
});

const TSX_CJS_API = /node_modules[/\\]tsx[/\\]dist[/\\]cjs[/\\]api[/\\]/;
