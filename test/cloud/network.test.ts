import { describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "../../src/cdktf";
import {
  ExternalNetwork,
  OpenStackCloud,
  Router,
  SecurityGroup,
  Server,
  TenantNetwork,
} from "../../src/cloud";
import { CloudBuilder, type Topology } from "../../src/topology";
import { onlyKey, onlyResource, resourcesOf, synth, problemsAfter } from "./synth";

function newStack(id = "net"): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new OpenStackCloud(stack, "cloud", { cloud: "lab" });
  return stack;
}

function topology(neutron: { bridgeMappings?: Record<string, string>; vlanRanges?: string[]; typeDrivers?: ("flat" | "vlan" | "geneve")[] } = {}): Topology {
  return new CloudBuilder("lab")
    .host({ name: "aio", address: "192.168.122.10", roles: ["controller", "network", "compute"] })
    .neutron({ l2Agent: "ovn", ...neutron })
    .build();
}

const EXTERNAL = { cidr: "203.0.113.0/24", gateway: "203.0.113.1" } as const;

describe("external network", () => {
  it("is flat on the physical network, with a DHCP-less subnet, gateway and default pool", () => {
    const stack = newStack();
    new ExternalNetwork(stack, "ext", EXTERNAL);
    const out = synth(stack);
    expect(Testing.toHaveResourceWithProperties(out.text, "openstack_networking_network_v2", {
      external: true,
      segments: [{ network_type: "flat", physical_network: "extnet" }],
    })).toBe(true);
    expect(onlyResource(out, "openstack_networking_subnet_v2")).toMatchObject({
      cidr: "203.0.113.0/24",
      gateway_ip: "203.0.113.1",
      enable_dhcp: false,
      allocation_pool: [{ start: "203.0.113.2", end: "203.0.113.254" }],
    });
  });

  it("fails synth when the physical network is not in the topology's bridge mappings", () => {
    const stack = newStack("mismatch");
    new ExternalNetwork(stack, "ext", { ...EXTERNAL, physicalNetwork: "physnet9", topology: topology({ bridgeMappings: { extnet: "br-ex" } }) });
    expect(() => synth(stack)).toThrow(/\[mismatch\/ext\] physical network physnet9 is not in the bridge mappings of topology lab \(extnet:br-ex\)/);
  });

  it("fails synth for a VLAN on a physical network without VLAN range or type driver", () => {
    const stack = newStack("vlan");
    new ExternalNetwork(stack, "ext", {
      ...EXTERNAL,
      type: "vlan",
      segmentationId: 120,
      topology: topology({ bridgeMappings: { extnet: "br-ex" }, typeDrivers: ["geneve", "flat"] }),
    });
    expect(() => synth(stack)).toThrow(/\[vlan\/ext\] network type vlan is not among the ML2 type drivers/);
    expect(() => synth(stack)).toThrow(/extnet has no entry in services.neutron.vlanRanges/);
  });

  it("synthesizes when the topology carries the physical network", () => {
    const stack = newStack("match");
    new ExternalNetwork(stack, "ext", {
      ...EXTERNAL,
      type: "vlan",
      segmentationId: 120,
      topology: topology({ bridgeMappings: { extnet: "br-ex" }, typeDrivers: ["geneve", "flat", "vlan"], vlanRanges: ["extnet:100:200"] }),
    });
    expect(onlyResource(synth(stack), "openstack_networking_network_v2").segments).toEqual([
      { network_type: "vlan", physical_network: "extnet", segmentation_id: 120 },
    ]);
  });

  it("rejects a gateway outside the CIDR and a pool holding the gateway at construction", () => {
    expect(problemsAfter(() => new ExternalNetwork(newStack("gw"), "ext", { cidr: "203.0.113.0/24", gateway: "198.51.100.1" }))).toMatch(
      /gw\/ext: gateway: gateway 198.51.100.1 is outside 203.0.113.0\/24/,
    );
    expect(
      problemsAfter(() => new ExternalNetwork(newStack("pool"), "ext", { ...EXTERNAL, allocationPool: { start: "203.0.113.1", end: "203.0.113.9" } })),
    ).toMatch(/pool\/ext: allocationPool: the allocation pool 203.0.113.1-203.0.113.9 contains the gateway 203.0.113.1/);
  });
});

describe("tenant network", () => {
  it("rejects a reversed allocation pool and one holding the gateway, as Neutron would", () => {
    const props = { name: "net", cidr: "10.0.0.0/24", gateway: "10.0.0.1" };
    expect(problemsAfter(() => new TenantNetwork(newStack("rev"), "net", { ...props, allocationPool: { start: "10.0.0.50", end: "10.0.0.10" } }))).toMatch(
      /rev\/net: allocationPool: the allocation pool starts \(10.0.0.50\) after it ends \(10.0.0.10\)/,
    );
    expect(problemsAfter(() => new TenantNetwork(newStack("gw"), "net", { ...props, allocationPool: { start: "10.0.0.1", end: "10.0.0.99" } }))).toMatch(
      /gw\/net: allocationPool: the allocation pool 10.0.0.1-10.0.0.99 contains the gateway 10.0.0.1/,
    );
    const stack = newStack("ok");
    new TenantNetwork(stack, "net", { ...props, allocationPool: { start: "10.0.0.10", end: "10.0.0.99" } });
    expect(onlyResource(synth(stack), "openstack_networking_subnet_v2").allocation_pool).toEqual([{ start: "10.0.0.10", end: "10.0.0.99" }]);
  });
});

describe("destroy ordering", () => {
  function lab() {
    const stack = newStack("order");
    const external = new ExternalNetwork(stack, "ext", EXTERNAL);
    const net = new TenantNetwork(stack, "net", { name: "net", cidr: "10.0.0.0/24", dnsNameservers: ["9.9.9.9"] });
    // The server (and its floating IP) is declared before the router on purpose: the edge to
    // the router interface must not depend on declaration order.
    new Server(stack, "vm", { name: "vm", image: { name: "cirros" }, flavor: { name: "m1.tiny" }, ports: [{ network: net }], floatingIp: { pool: external } });
    new Router(stack, "router", { name: "r", externalNetwork: external, interfaces: [net] });
    return synth(stack);
  }

  it("makes the router and the floating IP depend on the external subnet", () => {
    const out = lab();
    const subnetKey = onlyKey(out, "openstack_networking_subnet_v2", (s) => s.enable_dhcp === false);
    expect(onlyResource(out, "openstack_networking_router_v2").depends_on).toEqual([`openstack_networking_subnet_v2.${subnetKey}`]);
    expect(onlyResource(out, "openstack_networking_floatingip_v2").depends_on).toEqual([`openstack_networking_subnet_v2.${subnetKey}`]);
  });

  it("makes the floating IP association depend on the router interface", () => {
    const out = lab();
    const interfaceKey = onlyKey(out, "openstack_networking_router_interface_v2");
    expect(onlyResource(out, "openstack_networking_floatingip_associate_v2").depends_on).toEqual([
      `openstack_networking_router_interface_v2.${interfaceKey}`,
    ]);
  });
});

describe("security groups", () => {
  it("expands presets and custom rules", () => {
    const stack = newStack("sg");
    const group = new SecurityGroup(stack, "web", {
      name: "web",
      presets: ["ssh", "icmp", "http", "https"],
      presetRemoteCidr: "198.51.100.0/24",
      rules: [{ protocol: "tcp", ports: [8000, 8080], remoteGroup: "self" }, { protocol: "udp", ports: 53, remoteCidr: "2001:db8::/32" }],
    });
    void group;
    const rules = resourcesOf(synth(stack), "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    const summary = rules.map((r) => `${r.protocol}:${r.port_range_min ?? "*"}-${r.port_range_max ?? "*"}:${r.ethertype}:${r.remote_ip_prefix ?? "group"}`).sort();
    expect(summary).toEqual([
      "icmp:*-*:IPv4:198.51.100.0/24",
      "tcp:22-22:IPv4:198.51.100.0/24",
      "tcp:443-443:IPv4:198.51.100.0/24",
      "tcp:80-80:IPv4:198.51.100.0/24",
      "tcp:8000-8080:IPv4:group",
      "udp:53-53:IPv6:2001:db8::/32",
    ]);
  });

  it("rejects ports without tcp/udp and a reversed range", () => {
    expect(problemsAfter(() => new SecurityGroup(newStack("bad"), "g", { name: "g", rules: [{ protocol: "icmp", ports: 22 }] }))).toMatch(
      /bad\/g: rule 1: ports need protocol tcp, udp or sctp, not icmp/,
    );
    expect(problemsAfter(() => new SecurityGroup(newStack("bad2"), "g", { name: "g", rules: [{ protocol: "tcp", ports: [90, 80] }] }))).toMatch(
      /port range 90-80/,
    );
  });
});
