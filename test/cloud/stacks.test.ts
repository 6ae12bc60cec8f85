import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { App, Testing, TerraformStack } from "../../src/cdktf";
import { HeatStack, OpenStackCloud } from "../../src/cloud";
import { expectStackMatchesSchema } from "../../src/cloud/check/testing";
import { loadInventory } from "../../src/topology";
import { AppTemplateStack } from "../../stacks/app-template";
import { optionalTopology, synthesizeApp } from "../../stacks/common";
import { IdentityStack } from "../../stacks/identity";
import { LabBasicsStack } from "../../stacks/lab-basics";
import { onlyKey, resourcesOf, synth } from "./synth";

const ROOT = path.join(__dirname, "..", "..");
const INVENTORY = path.join(ROOT, "inventories", "all-in-one.yaml");
const BAD_INVENTORY = path.join("test", "topology", "malformed", "bad-ipv4.yaml");

describe("stacks", () => {
  const topology = loadInventory(INVENTORY);
  const app = Testing.app();
  const stacks = [
    new LabBasicsStack(app, "lab-basics", { topology }),
    new IdentityStack(app, "identity", { topology }),
    new AppTemplateStack(app, "app-template", { topology }),
  ];

  it.each(stacks.map((s) => [s.node.id, s] as const))("%s synthesizes and matches the provider schema", (_id, stack) => {
    const out = synth(stack);
    expect(() => expectStackMatchesSchema(out.text)).not.toThrow();
    expect(out.json.provider?.openstack?.[0]).toEqual({ cloud: "all-in-one" });
  });

  it("lab-basics puts the external network on the topology's physical network", () => {
    const out = synth(stacks[0]!);
    const ext = topology.externalNetwork!;
    const [[, network]] = resourcesOf(out, "openstack_networking_network_v2").filter(([, n]) => n.external === true) as [[string, Record<string, unknown>]];
    expect(Object.keys(topology.services.neutron.bridgeMappings)).toContain(ext.physicalNetwork);
    expect(network.segments).toEqual([{ network_type: ext.type, physical_network: ext.physicalNetwork }]);
    expect(Testing.toHaveResourceWithProperties(out.text, "openstack_networking_subnet_v2", {
      cidr: ext.cidr,
      gateway_ip: ext.gateway,
      enable_dhcp: false,
      allocation_pool: [ext.allocationPool],
    })).toBe(true);
    // Packstack makes the m1 flavors (CONFIG_NOVA_MANAGE_FLAVORS=y): lab-basics looks them up.
    expect(Object.values(out.json.data?.openstack_compute_flavor_v2 ?? {}).map((f) => f.name).sort()).toEqual(["m1.large", "m1.medium", "m1.small", "m1.tiny", "m1.xlarge"]);
    expect(resourcesOf(out, "openstack_compute_flavor_v2")).toEqual([]);
    expect(Testing.toHaveResourceWithProperties(out.text, "openstack_images_image_v2", { name: "cirros", web_download: true, visibility: "public" })).toBe(true);
  });

  it("app-template has three identical web servers behind the web security group", () => {
    const out = synth(stacks[2]!);
    expect(resourcesOf(out, "openstack_compute_instance_v2").map(([, s]) => s.name).sort()).toEqual(["web-1", "web-2", "web-3"]);
    const groupKey = onlyKey(out, "openstack_networking_secgroup_v2");
    for (const [, port] of resourcesOf(out, "openstack_networking_port_v2")) {
      expect(port.security_group_ids).toEqual([`\${openstack_networking_secgroup_v2.${groupKey}.id}`]);
    }
    expect(resourcesOf(out, "openstack_networking_floatingip_associate_v2")).toHaveLength(3);
  });

  it("stacks work without any topology", () => {
    expect(() => optionalTopology({ RDOCTL_INVENTORY: "/nonexistent/inventory.yaml" })).toThrow(/RDOCTL_INVENTORY=\/nonexistent\/inventory.yaml: no such file/);
    const out = synth(new LabBasicsStack(Testing.app(), "lab-basics"));
    expect(out.json.provider?.openstack?.[0]).toEqual({ cloud: "openstack" });
    expect(() => expectStackMatchesSchema(out.text)).not.toThrow();
  });
});

describe("synthesizing the app", () => {
  const outdirs: string[] = [];
  afterAll(() => outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const newApp = (): { app: App; outdir: string } => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-app-"));
    outdirs.push(outdir);
    return { app: new App({ outdir }), outdir };
  };

  it("writes the stacks when the input is right", () => {
    const { app, outdir } = newApp();
    expect(synthesizeApp(app, (a) => new IdentityStack(a, "identity"))).toEqual([]);
    expect(fs.existsSync(path.join(outdir, "stacks", "identity", "cdk.tf.json"))).toBe(true);
  });

  it("returns an invalid inventory's issues with file:line:column, and writes nothing", () => {
    const { app, outdir } = newApp();
    const problems = synthesizeApp(app, (a) => new LabBasicsStack(a, "lab-basics", { topology: optionalTopology({ RDOCTL_INVENTORY: path.join(ROOT, BAD_INVENTORY) }) }));
    expect(problems).toEqual([expect.stringMatching(/bad-ipv4\.yaml:5:14: hosts\[0\]\.address: "192\.168\.122\.300" is not a valid IP address/)]);
    expect(fs.existsSync(path.join(outdir, "stacks", "lab-basics"))).toBe(false);
  });

  it("returns failed synth-time validations with the construct path, and does not write the stack", () => {
    const { app, outdir } = newApp();
    const problems = synthesizeApp(app, (a) => {
      const stack = new TerraformStack(a, "heat");
      new OpenStackCloud(stack, "cloud", { cloud: "lab" });
      new HeatStack(stack, "app", {
        name: "app",
        template: { heat_template_version: "2018-08-31", resources: { port: { type: "OS::Neutron::Port", properties: { network: { get_param: "net" } } } } },
      });
    });
    expect(problems).toEqual([expect.stringMatching(/^heat\/app: HOT template: resources\.port\.properties\.network\.get_param: get_param refers to undeclared parameter net/)]);
    expect(fs.existsSync(path.join(outdir, "stacks", "heat"))).toBe(false);
  });

  it("stacks/main.ts, as cdktf synth runs it, reports an invalid inventory in one line without a stack trace", () => {
    const { outdir } = newApp();
    const run = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["stacks/main.ts"], {
      cwd: ROOT,
      env: { ...process.env, RDOCTL_INVENTORY: BAD_INVENTORY, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`rdoctl: ${BAD_INVENTORY}:5:14: hosts[0].address: "192.168.122.300" is not a valid IP address (expected an IPv4/IPv6 address or a DNS name)\n`);
  });
});
