import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkSynthesizedStack, loadProviderSchema, defaultSchemaPath } from "../../src/cloud/check";

const ROOT = path.join(__dirname, "..", "..");

describe("cdktf synth (the real CLI)", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-cdktf-out-"));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it("writes every stack offline, pinned to terraform-provider-openstack", () => {
    execFileSync(path.join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1", DISABLE_VERSION_CHECK: "1", CI: "1" },
      stdio: "pipe",
      timeout: 120_000,
    });
    const stacks = fs.readdirSync(path.join(outdir, "stacks")).sort();
    expect(stacks).toEqual(["app-template", "identity", "lab-basics"]);
    const schema = loadProviderSchema(defaultSchemaPath());
    for (const stack of stacks) {
      const tf = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
      expect(tf.terraform.required_providers.openstack.source).toBe("terraform-provider-openstack/openstack");
      expect(tf.terraform.required_providers.openstack.version).toMatch(/^(~> )?3\.4/);
      expect(checkSynthesizedStack(tf, schema).filter((f) => f.severity === "error")).toEqual([]);
    }
  });

  it("npm run synth prints no false [ERROR] offline (cdktf's checkpoint telemetry is off)", () => {
    // Checked before running anything: without the knob, cdktf-cli would try to reach
    // checkpoint-api.hashicorp.com, and offline it logs that failure as [ERROR].
    const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
    for (const command of ["synth", "diff", "deploy", "destroy"]) expect(scripts[command]).toBe(`CHECKPOINT_DISABLE=1 cdktf ${command}`);
    const env = { ...process.env, CI: "1" };
    delete env.CHECKPOINT_DISABLE;
    // An operator's own Terraform CLI configuration is not ours to judge; a missing one is logged as [ERROR] too.
    delete env.TF_CLI_CONFIG_FILE;
    const run = spawnSync("npm", ["run", "--silent", "synth", "--", "--output", path.join(outdir, "npm-run")], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
    expect(run.status).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toContain("[ERROR]");
    expect(run.stdout).toContain("Generated Terraform code for the stacks");
  });

  it("a topology module with a syntax error: cdktf synth says where, in the compiler's words, exit 1, no stack trace", () => {
    const module = path.join(outdir, "broken-topology.ts");
    fs.writeFileSync(module, `export default {\n  name: "lab",\n  hosts: [ { name: "a" ; } ],\n};\n`);
    const env = { ...process.env, CI: "1", RDOCTL_INVENTORY: module };
    delete env.TF_CLI_CONFIG_FILE;
    const run = spawnSync("npm", ["run", "--silent", "synth", "--", "--output", path.join(outdir, "broken")], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
    expect(run.status).not.toBe(0);
    const output = `${run.stdout}${run.stderr}`;
    expect(output).toContain(`rdoctl: ${module}:3:23: Expected "}" but found ";"`);
    expect(output).not.toContain("Transform failed");
    expect(output).not.toMatch(/^\s+at /m);
  });
});
