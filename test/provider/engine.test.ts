// Locating the engine, the provider mirror and the CLI configuration; `rdoctl doctor`.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineCacheDir, engineLayout, locateEngine, readEnginePin, renderCliConfig, terraformPlatform } from "../../src/cloud/engine";
import { Command } from "commander";
import { registerDoctorCommand } from "../../src/cli/commands/doctor";

const scratch = mkdtempSync(join(tmpdir(), "rdoctl-engine-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const pin = readEnginePin();

/** A stand-in engine binary answering `-version -json` the way terraform or tofu does. */
function fakeEngine(dir: string, name: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\necho '{"terraform_version":"${version}","platform":"linux_amd64"}'\n`);
  chmodSync(file, 0o755);
  return file;
}

async function doctor(env: NodeJS.ProcessEnv, ...args: string[]) {
  const saved = { ...process.env };
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.env = { ...env };
  process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => err.push(s) > 0) as typeof process.stderr.write;
  try {
    // The command alone (src/cli/main.ts registers it): what it prints and the exit code it sets.
    const program = new Command("rdoctl").exitOverride();
    registerDoctorCommand(program);
    await program.parseAsync(["node", "rdoctl", "doctor", ...args]);
    const code = process.exitCode === undefined ? 0 : Number(process.exitCode);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.env = saved;
    process.exitCode = undefined;
  }
}

describe("engine layout", () => {
  it("keeps the cache outside the project, under XDG_CACHE_HOME or ~/.cache", () => {
    expect(engineCacheDir({ HOME: "/home/u" })).toBe("/home/u/.cache/rdoctl/engine");
    expect(engineCacheDir({ HOME: "/home/u", XDG_CACHE_HOME: "/c" })).toBe("/c/rdoctl/engine");
    expect(engineCacheDir({ RDOCTL_ENGINE_CACHE: "/e", XDG_CACHE_HOME: "/c" })).toBe("/e");
  });

  it("lays the provider out as a filesystem mirror for terraform's and OpenTofu's registry host", () => {
    const layout = engineLayout("/c", pin, "linux_amd64");
    expect(layout.providerBinaries).toEqual([
      `/c/mirror/registry.terraform.io/terraform-provider-openstack/openstack/${pin.provider.version}/linux_amd64/terraform-provider-openstack_v${pin.provider.version}`,
      `/c/mirror/registry.opentofu.org/terraform-provider-openstack/openstack/${pin.provider.version}/linux_amd64/terraform-provider-openstack_v${pin.provider.version}`,
    ]);
    const config = renderCliConfig(layout, pin);
    expect(config).toContain('filesystem_mirror {\n    path    = "/c/mirror"');
    expect(config).toMatch(/direct \{\n    exclude = \["registry.terraform.io\/terraform-provider-openstack\/openstack"/);
    expect(terraformPlatform("linux", "x64")).toBe("linux_amd64");
  });

  it("pins one provider version, the one the committed schema is of", async () => {
    const schema = (await import("../../providers/openstack/schema.json")).default as { provider_versions: Record<string, string> };
    expect(Object.values(schema.provider_versions)).toEqual([pin.provider.version]);
  });
});

describe("locateEngine", () => {
  it("prefers terraform on PATH, then tofu, and names tofu for cdktf", () => {
    const bin = join(scratch, "bin-tofu");
    const tofu = fakeEngine(bin, "tofu", "1.6.3");
    const status = locateEngine({ env: { PATH: bin, HOME: scratch }, cacheDir: join(scratch, "cache") });
    expect(status.engine).toMatchObject({ kind: "tofu", version: "1.6.3", path: tofu, from: "PATH" });
    expect(status.env).toMatchObject({ TERRAFORM_BINARY_NAME: tofu, TF_CLI_CONFIG_FILE: join(scratch, "cache", "terraformrc"), CHECKPOINT_DISABLE: "1" });
    const tf = fakeEngine(bin, "terraform", "1.11.4");
    const both = locateEngine({ env: { PATH: bin, HOME: scratch }, cacheDir: join(scratch, "cache") });
    expect(both.engine).toMatchObject({ kind: "terraform", path: tf });
    expect(both.env.TERRAFORM_BINARY_NAME).toBeUndefined();
  });

  it("says what is missing and what to do, without throwing", () => {
    const status = locateEngine({ env: { PATH: join(scratch, "empty"), HOME: scratch }, cacheDir: join(scratch, "none") });
    expect(status.engine).toBeUndefined();
    expect(status.problems.map((p) => p.what)).toEqual([
      "no terraform or tofu on PATH, and no OpenTofu built in the engine cache",
      `terraform-provider-openstack ${pin.provider.version} is not in the mirror ${join(scratch, "none", "mirror")}`,
      `the CLI configuration ${join(scratch, "none", "terraformrc")} is missing`,
    ]);
    expect(status.problems.every((p) => p.fix.includes("npm run engine"))).toBe(true);
  });
});

describe("rdoctl doctor", () => {
  it("exits 1 with one line per missing part and what to do, no stack trace", async () => {
    const result = await doctor({ PATH: join(scratch, "empty"), HOME: scratch, RDOCTL_ENGINE_CACHE: join(scratch, "none") });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("engine:   missing");
    expect(result.stdout).toMatch(/^rdoctl doctor: no terraform or tofu on PATH, .*: run `npm run engine`/m);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  it("--json reports the engine, provider, CLI config and the environment to use", async () => {
    const bin = join(scratch, "bin-json");
    fakeEngine(bin, "terraform", "1.11.4");
    const cache = join(scratch, "ready");
    const layout = engineLayout(cache, pin);
    for (const file of layout.providerBinaries) fakeEngine(join(file, ".."), file.split("/").pop()!, "0");
    writeFileSync(layout.cliConfig, renderCliConfig(layout, pin));
    const result = await doctor({ PATH: bin, HOME: scratch, RDOCTL_ENGINE_CACHE: cache }, "--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      ok: true,
      engine: { kind: "terraform", version: "1.11.4" },
      provider: { version: pin.provider.version, found: true },
      cliConfig: { path: layout.cliConfig, found: true },
      problems: [],
      env: { TF_CLI_CONFIG_FILE: layout.cliConfig },
    });
  });
});
