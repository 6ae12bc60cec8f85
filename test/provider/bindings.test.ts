// The TypeScript bindings generated offline from the committed schema (npm run provider:gen).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TerraformStack, Testing } from "../../src/cdktf";

const root = resolve(__dirname, "../..");
const generated = join(root, ".gen/providers/openstack");

function generate(outDir?: string, extra: string[] = []): void {
  const args = [join(root, "scripts/gen-provider.mjs"), ...(outDir ? ["--out", outDir] : []), ...extra];
  execFileSync(process.execPath, args, { cwd: root, stdio: "pipe" });
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe("generated openstack bindings", () => {
  let scratch: string;

  beforeAll(() => {
    // `npm install` generates them through `prepare`; a checkout that skipped it gets them here.
    if (!existsSync(join(generated, "index.ts"))) generate();
    scratch = mkdtempSync(join(tmpdir(), "rdoctl-gen-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("generate without a false [ERROR] when TF_CLI_CONFIG_FILE names a missing file (npm install's prepare)", () => {
    const run = spawnSync(process.execPath, [join(root, "scripts/gen-provider.mjs"), "--out", join(scratch, "quiet")], {
      cwd: root,
      env: { ...process.env, TF_CLI_CONFIG_FILE: join(scratch, "missing.tfrc") },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/\[ERROR\]|CLI configuration/);
  });

  it("are what the committed schema generates (no stale .gen)", () => {
    const fresh = join(scratch, "cdktf");
    generate(fresh);
    const freshFiles = listFiles(join(fresh, "providers/openstack"));
    expect(freshFiles).toEqual(listFiles(generated));
    expect(freshFiles.length).toBeGreaterThan(170);
    for (const f of freshFiles) {
      expect(readFileSync(join(fresh, "providers/openstack", f), "utf8"), f).toBe(readFileSync(join(generated, f), "utf8"));
    }
  });

  it("can import from the cdktn fork instead of cdktf", () => {
    const out = join(scratch, "cdktn");
    generate(out, ["--cdk-module", "cdktn"]);
    const dir = join(out, "providers/openstack");
    const sources = listFiles(dir).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(join(dir, f), "utf8"));
    expect(sources.filter((s) => s.includes("from 'cdktf'"))).toEqual([]);
    expect(sources.filter((s) => s.includes("from 'cdktn'")).length).toBe(108 + 61 + 1); // resources, data sources, provider
  });

  it("synthesize a small program with the provider's required_providers", async () => {
    const { OpenstackProvider } = await import("../../.gen/providers/openstack/provider/index.js");
    const { NetworkingNetworkV2 } = await import("../../.gen/providers/openstack/networking-network-v2/index.js");
    const { NetworkingSubnetV2 } = await import("../../.gen/providers/openstack/networking-subnet-v2/index.js");
    const { ComputeInstanceV2 } = await import("../../.gen/providers/openstack/compute-instance-v2/index.js");

    const stack = new TerraformStack(Testing.app(), "probe");
    new OpenstackProvider(stack, "openstack", { cloud: "lab" });
    const net = new NetworkingNetworkV2(stack, "net", { name: "demo" });
    new NetworkingSubnetV2(stack, "subnet", {
      networkId: net.id,
      cidr: "10.0.0.0/24",
      allocationPool: [{ start: "10.0.0.10", end: "10.0.0.200" }],
    });
    new ComputeInstanceV2(stack, "vm", { name: "vm1", flavorName: "m1.small", network: [{ uuid: net.id }] });

    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.terraform.required_providers.openstack).toEqual({ source: "terraform-provider-openstack/openstack", version: "3.4.0" });
    expect(tf.provider.openstack).toEqual([{ cloud: "lab" }]);
    expect(tf.resource.openstack_networking_subnet_v2.subnet).toEqual({
      network_id: "${openstack_networking_network_v2.net.id}",
      cidr: "10.0.0.0/24",
      allocation_pool: [{ start: "10.0.0.10", end: "10.0.0.200" }],
    });
    expect(tf.resource.openstack_compute_instance_v2.vm.network).toEqual([{ uuid: "${openstack_networking_network_v2.net.id}" }]);
  });
});
