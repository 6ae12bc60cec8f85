import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Testing } from "../../src/cdktf";
import { expectStackMatchesSchema } from "../../src/cloud/check/testing";
import { loadInventory } from "../../src/topology";
import { AppTemplateStack } from "../../stacks/app-template";
import { optionalTopology } from "../../stacks/common";
import { IdentityStack } from "../../stacks/identity";
import { LabBasicsStack } from "../../stacks/lab-basics";
import { onlyKey, resourcesOf, synth } from "./synth";

const INVENTORY = path.join(__dirname, "..", "..", "inventories", "all-in-one.yaml");

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
    expect(resourcesOf(out, "openstack_compute_flavor_v2").map(([, f]) => f.name).sort()).toEqual(["m1.large", "m1.medium", "m1.small", "m1.tiny", "m1.xlarge"]);
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
    expect(optionalTopology({ RDOCTL_INVENTORY: "/nonexistent/inventory.yaml" })).toBeUndefined();
    const out = synth(new LabBasicsStack(Testing.app(), "lab-basics"));
    expect(out.json.provider?.openstack?.[0]).toEqual({ cloud: "openstack" });
    expect(() => expectStackMatchesSchema(out.text)).not.toThrow();
  });
});
