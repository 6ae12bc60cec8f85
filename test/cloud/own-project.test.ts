import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSynthesizedStack, defaultSchemaPath, loadProviderSchema } from "../../src/cloud/check";
import { OWN_PROJECT, ensureOwnProjectInstalled, ownProjectEnv } from "./own-project-install";

/**
 * examples/own-project: an operator's own cdktf project that depends on rdoctl by path and uses
 * it through its package exports only. `npm ci` there (when its node_modules do not match its
 * lock file yet, about a minute) and the real `cdktf synth`.
 */
const ROOT = path.join(__dirname, "..", "..");
const PROJECT = OWN_PROJECT;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: PROJECT, env: ownProjectEnv(env), encoding: "utf8", timeout: 280_000 });
}

describe("an own cdktf project using rdoctl as a package (examples/own-project)", () => {
  beforeAll(() => {
    expect(fs.existsSync(path.join(ROOT, "dist", "src", "cloud", "index.d.ts")), "rdoctl is not built: run npm run build (npm ci does)").toBe(true);
    expect(ensureOwnProjectInstalled()).toBeUndefined();
  }, 660_000);

  it("npx cdktf synth writes its stack, which matches the provider schema, and names its clouds.yaml", () => {
    const outdir = fs.mkdtempSync(path.join(PROJECT, "cdktf.out.test-"));
    try {
      const synth = run("npx", ["cdktf", "synth", "--output", outdir]);
      expect(synth.status, synth.stderr).toBe(0);
      expect(`${synth.stdout}${synth.stderr}`).not.toContain("[ERROR]");
      expect(synth.stdout).toContain('rdoctl: web: clouds.yaml entry "lab"');
      const tf = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "web", "cdk.tf.json"), "utf8"));
      expect(tf.terraform.required_providers.openstack.source).toBe("terraform-provider-openstack/openstack");
      expect(Object.keys(tf.data).sort()).toEqual([
        "openstack_compute_flavor_v2",
        "openstack_identity_project_v3",
        "openstack_images_image_v2",
        "openstack_networking_network_v2",
        "openstack_networking_subnet_v2",
      ]);
      expect(Object.keys(tf.resource)).toContain("openstack_compute_instance_v2");
      const findings = checkSynthesizedStack(tf, loadProviderSchema(defaultSchemaPath()));
      expect(findings.filter((f) => f.severity === "error")).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);

  it("type-checks against rdoctl's published types (exports and typesVersions)", () => {
    const tsc = run("npx", ["tsc", "-p", "tsconfig.json"]);
    expect(`${tsc.stdout}${tsc.stderr}`).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);

  it("an own app with wrong props gets every problem as one line with its construct path, exit 1, no stack trace", () => {
    const app = `
      import { TerraformStack } from "rdoctl/cdktf";
      import { OpenStackCloud, TenantNetwork, Volume, runApp } from "rdoctl";
      runApp((app) => {
        const stack = new TerraformStack(app, "mine");
        new OpenStackCloud(stack, "cloud", { cloud: "lab" });
        new TenantNetwork(stack, "net", { name: "net", cidr: "10.20.30.5/24" });
        new Volume(stack, "vol", { name: "vol", sizeGb: 0 });
      });
    `;
    const outdir = fs.mkdtempSync(path.join(PROJECT, "cdktf.out.test-"));
    const result = run("npx", ["tsx", "-e", app], { CDKTF_OUTDIR: outdir });
    fs.rmSync(outdir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      'rdoctl: mine/net: cidr: "10.20.30.5/24" has host bits set; did you mean "10.20.30.0/24"? (expected a network address)',
      "rdoctl: mine/vol: sizeGb is 0; expected an integer ≥ 1",
    ]);
  }, 120_000);
});
