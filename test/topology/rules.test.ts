import { describe, expect, it } from "vitest";
import { CloudBuilder, InventoryError, RULES, type InventoryIssue, type Release, type TopologySpec } from "../../src/topology";
import { validateTopologySpec } from "../../src/topology/validate";

/** Cross-field rules through the builder path: the location is `<builder>`, the path is exact. */

const aio = { name: "aio", address: "10.0.0.10", roles: ["controller", "network", "compute"] } as const;
const ext = { cidr: "203.0.113.0/24", gateway: "203.0.113.1", interface: "eth1" };

function issues(spec: TopologySpec): InventoryIssue[] {
  try {
    validateTopologySpec(spec);
  } catch (err) {
    if (err instanceof InventoryError) return [...err.issues];
    throw err;
  }
  return [];
}
function lines(spec: TopologySpec): string[] {
  return issues(spec).map((i) => `${i.path}: ${i.message}`);
}
function spec(extra: Partial<TopologySpec>): TopologySpec {
  return { name: "lab", hosts: [aio], ...extra };
}

describe("builder errors", () => {
  it("name <builder> as the location and list every issue", () => {
    const builder = new CloudBuilder("lab").host({ ...aio, address: "10.0.0.300" }).enable("aodh", "magnum");
    let caught: unknown;
    try {
      builder.build();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InventoryError);
    expect((caught as Error).message.split("\n")).toEqual([
      '<builder>: hosts[0].address: "10.0.0.300" is not a valid IP address (expected an IPv4/IPv6 address or a DNS name)',
      "<builder>: services.aodh.enabled: Aodh needs Ceilometer (alarms evaluate telemetry) (expected services.ceilometer.enabled: true, or aodh disabled)",
      "<builder>: services.magnum.enabled: Magnum needs Heat (it builds clusters with Heat stacks) (expected services.heat.enabled: true, or magnum disabled)",
    ]);
    expect((caught as InventoryError).issues.map((i) => i.rule)).toEqual(["host-address-syntax", "service-dependencies", "service-dependencies"]);
  });

  it("run the JSON Schema too (types the compiler cannot see)", () => {
    const bad = { name: "lab", hosts: [{ ...aio, ssh: { port: 0 } }] } as TopologySpec;
    expect(lines(bad)).toEqual(["hosts[0].ssh.port: 0 is out of range"]);
  });
});

describe("rules", () => {
  it("have unique names", () => {
    const names = RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("single-host-roles: one database, amqp, redis and storage host", () => {
    const hosts = [aio, { name: "db1", address: "10.0.0.11", roles: ["database"] }, { name: "db2", address: "10.0.0.12", roles: ["database", "amqp"] }] as const;
    expect(lines(spec({ hosts }))).toEqual(['hosts[2].roles[0]: role database is already on hosts[1] ("db1"): Packstack takes one database host']);
  });

  it("nova-needs-glance", () => {
    expect(lines(spec({ services: { glance: { enabled: false } } }))).toEqual(["services.glance.enabled: Nova needs Glance (Packstack refuses Nova without Glance)"]);
  });

  it("unique-host-fields: explicit FQDNs", () => {
    const hosts = [{ ...aio, fqdn: "x.example.com" }, { name: "c2", address: "10.0.0.2", roles: ["compute"], fqdn: "X.example.com" }] as const;
    expect(lines(spec({ hosts }))).toEqual(['hosts[1].fqdn: duplicate host fqdn "X.example.com" (also hosts[0])']);
  });

  it("jump-hosts: itself, loops, and addresses", () => {
    const hosts = [
      { ...aio, ssh: { jump: "aio" } },
      { name: "a", address: "10.0.0.2", roles: ["compute"], ssh: { jump: "b" } },
      { name: "b", address: "10.0.0.3", roles: ["compute"], ssh: { jump: "a" } },
      { name: "c", address: "10.0.0.4", roles: ["compute"], ssh: { jump: "admin@bastion.example.com:2222" } },
      { name: "d", address: "10.0.0.5", roles: ["compute"], ssh: { jump: "admin@bastion.example.com:99999" } },
    ] as const;
    expect(lines(spec({ hosts }))).toEqual([
      'hosts[0].ssh.jump: host "aio" cannot jump through itself',
      "hosts[4].ssh.jump: jump port 99999 is out of range",
      "hosts[1].ssh.jump: jump hosts form a loop: a → b → a",
      "hosts[2].ssh.jump: jump hosts form a loop: b → a → b",
    ]);
  });

  it("release-services and release-choices follow the catalogs", () => {
    const older = (release: Release, services: TopologySpec["services"]) => lines(spec({ release, services, externalNetwork: ext }));
    expect(older("2023.2", { sahara: { enabled: true } })).toEqual([]);
    expect(older("2024.1", { sahara: { enabled: true } })).toEqual(["services.sahara.enabled: sahara is not available in release 2024.1 (its catalog has no CONFIG_SAHARA_INSTALL)"]);
    expect(older("2024.2", { neutron: { l2Agent: "linuxbridge" } })).toEqual([]);
    expect(older("2024.2", { cinder: { backends: ["vmdk"] } })).toEqual([]);
    expect(older("master", { cinder: { backends: ["vmdk"] } })).toEqual([
      'services.cinder.backends[0]: Cinder backend "vmdk" is not available in release master (Packstack dropped it; releases with it: 2023.1, 2023.2, 2024.1, 2024.2)',
    ]);
  });

  it("tenant-types-have-drivers", () => {
    expect(lines(spec({ services: { neutron: { typeDrivers: ["geneve", "flat"], tenantNetworkTypes: ["geneve", "vlan"] } } }))).toEqual([
      'services.neutron.tenantNetworkTypes[1]: tenant network type "vlan" has no type driver',
      "services.neutron.vlanRanges: vlan tenant networks need a VLAN id range to allocate from",
    ]);
  });

  it("l2-agent-network-types: linuxbridge has no geneve", () => {
    const neutron = { l2Agent: "linuxbridge", typeDrivers: ["geneve", "vxlan", "flat"], tenantNetworkTypes: ["vxlan"] } as const;
    expect(lines(spec({ release: "2024.2", services: { neutron } }))).toEqual(['services.neutron.typeDrivers[0]: "geneve" does not work with the linuxbridge L2 agent']);
  });

  it("tunnel-interface-needs-tunnels", () => {
    const neutron = { typeDrivers: ["vlan", "flat"], tenantNetworkTypes: ["vlan"], vlanRanges: ["extnet:100:200"], tunnelInterface: "eth2" } as const;
    expect(lines(spec({ services: { neutron }, externalNetwork: ext }))).toEqual([
      'services.neutron.tunnelInterface: tunnelInterface "eth2" is unused: no tenant network type tunnels (vlan)',
    ]);
  });

  it("linuxbridge-mappings: bridges are OVS/OVN options", () => {
    const neutron = { l2Agent: "linuxbridge", bridgeMappings: { extnet: "br-ex" } } as const;
    expect(lines(spec({ release: "2024.2", services: { neutron }, externalNetwork: { cidr: ext.cidr, gateway: ext.gateway } }))).toEqual([
      "services.neutron.bridgeMappings: bridgeMappings are Open vSwitch/OVN options; the linuxbridge agent maps physical networks to interfaces",
      "externalNetwork: the linuxbridge agent needs the physical interface of the external network",
    ]);
  });

  it("external-network-mapping: interface conflicts, vlan external networks", () => {
    expect(lines(spec({ services: { neutron: { bridgeInterfaces: { "br-ex": "eth9" } } }, externalNetwork: ext }))).toEqual([
      'services.neutron.bridgeInterfaces["br-ex"]: bridge "br-ex" is plugged into "eth9" but externalNetwork.interface is "eth1"',
    ]);
    expect(lines(spec({ externalNetwork: { ...ext, type: "vlan" } }))).toEqual([
      'externalNetwork.type: the external network is vlan but "vlan" is not among the type drivers (geneve, flat)',
      "externalNetwork: a vlan external network needs segmentationId",
      'services.neutron.vlanRanges: the vlan external network\'s physical network "extnet" is not in vlanRanges',
    ]);
    const vlan = { typeDrivers: ["geneve", "vlan"], vlanRanges: ["extnet"] } as const;
    expect(lines(spec({ services: { neutron: vlan }, externalNetwork: { ...ext, type: "vlan", segmentationId: 100 } }))).toEqual([]);
    expect(lines(spec({ externalNetwork: { ...ext, segmentationId: 100 } }))).toEqual(["externalNetwork.segmentationId: segmentationId applies to vlan external networks only"]);
  });

  it("vlan-ranges: bounds and the vlan type driver", () => {
    const neutron = { vlanRanges: ["extnet:300:200"] };
    expect(lines(spec({ services: { neutron }, externalNetwork: ext }))).toEqual([
      'services.neutron.vlanRanges: vlanRanges are set but "vlan" is not a type driver (geneve, flat)',
      "services.neutron.vlanRanges[0]: VLAN range 300:200 is not a range of VLAN ids",
    ]);
  });

  it("external-network-addresses: gateway, pool order, gateway in pool, tiny networks, IPv6", () => {
    const net = (e: object) => lines(spec({ externalNetwork: { ...ext, ...e } }));
    expect(net({ gateway: "203.0.113.0" })).toEqual(["externalNetwork.gateway: gateway 203.0.113.0 is the network address of 203.0.113.0/24"]);
    expect(net({ gateway: "gw.example.com" })).toEqual(['externalNetwork.gateway: gateway "gw.example.com" is not an IP address']);
    expect(net({ allocationPool: { start: "203.0.113.200", end: "203.0.113.100" } })).toEqual([
      "externalNetwork.allocationPool: the allocation pool starts (203.0.113.200) after it ends (203.0.113.100)",
    ]);
    expect(net({ allocationPool: { start: "203.0.113.1", end: "203.0.113.100" } })).toEqual([
      "externalNetwork.allocationPool: the allocation pool 203.0.113.1-203.0.113.100 contains the gateway 203.0.113.1",
    ]);
    expect(net({ cidr: "203.0.113.0/32", gateway: "203.0.113.0" })).toEqual(["externalNetwork.cidr: 203.0.113.0/32 leaves no address for floating IPs"]);
    expect(net({ cidr: "2001:db8:5::/64", gateway: "2001:db8:5::1" })).toEqual([]);
    expect(net({ cidr: "2001:db8:5::/64", gateway: "203.0.113.1" })).toEqual(["externalNetwork.gateway: gateway 203.0.113.1 is outside 2001:db8:5::/64"]);
  });

  it("service-dependencies: glance on swift, trove without nova", () => {
    expect(lines(spec({ services: { glance: { backend: "swift" } } }))).toEqual(["services.glance.backend: Glance stores images in Swift but Swift is disabled"]);
    expect(lines(spec({ hosts: [{ ...aio, roles: ["controller"] }], services: { nova: { enabled: false }, trove: { enabled: true } } }))).toEqual([
      "services.trove.enabled: Trove needs Nova (database instances are servers)",
    ]);
  });

  it("cinder-nfs: mounts without the nfs backend", () => {
    expect(lines(spec({ services: { cinder: { nfsMounts: ["nfs.example.com:/cinder"] } } }))).toEqual([
      "services.cinder.nfsMounts: nfsMounts are set but nfs is not a Cinder backend",
    ]);
    expect(lines(spec({ services: { cinder: { backends: ["nfs"], nfsMounts: ["nfs.example.com:/cinder"] } } }))).toEqual([]);
  });

  it("ntp-servers and interface names", () => {
    const hosts = [{ ...aio, interfaces: [{ name: "eth0" }, { name: "eth0", address: "10.0.0.10/24" }] }];
    expect(lines(spec({ hosts, ntpServers: ["pool.ntp.org", "300.1.1.1"] }))).toEqual([
      'hosts[0].interfaces[1].name: interface "eth0" is listed twice (also interfaces[0])',
      'ntpServers[1]: "300.1.1.1" is not a valid IP address',
    ]);
  });

  it("packstack-override-names: deprecated names point at their replacement", () => {
    expect(lines(spec({ packstack: { CONFIG_MYSQL_INSTALL: "y" } }))).toEqual(["packstack.CONFIG_MYSQL_INSTALL: CONFIG_MYSQL_INSTALL is a deprecated name; use CONFIG_MARIADB_INSTALL"]);
    expect(lines(spec({ packstack: { CONFIG_DEBUG_MODE: "y" } }))).toEqual([]);
  });

  it("host names and IPv6 hosts are fine when every host uses the same kind", () => {
    const named = [
      { name: "ctl", address: "ctl.lab.example.com", roles: ["controller"] },
      { name: "cmp", address: "cmp.lab.example.com", roles: ["compute"] },
    ] as const;
    expect(lines(spec({ hosts: named }))).toEqual([]);
    const v6 = [
      { name: "ctl", address: "2001:db8::11", roles: ["controller"] },
      { name: "cmp", address: "2001:db8::21", roles: ["compute"] },
    ] as const;
    expect(lines(spec({ hosts: v6 }))).toEqual([]);
  });
});

describe("rules about the hosts' networks", () => {
  it("floating-pool-vs-hosts: floating IPs must not hit a host", () => {
    const onHosts = { cidr: "10.0.0.0/24", gateway: "10.0.0.1", interface: "eth1" };
    expect(lines(spec({ externalNetwork: onHosts }))).toEqual([
      'externalNetwork.cidr: the floating IP pool 10.0.0.2-10.0.0.254 contains 10.0.0.10, the address of host "aio"',
    ]);
    expect(lines(spec({ externalNetwork: { ...onHosts, allocationPool: { start: "10.0.0.100", end: "10.0.0.200" } } }))).toEqual([]);
  });

  it("declared-interfaces: listed interfaces must include the external and tunnel interfaces", () => {
    const hosts = [
      { ...aio, roles: ["controller"], interfaces: [{ name: "eth0" }] },
      { name: "net", address: "10.0.0.2", roles: ["network"], interfaces: [{ name: "eth0" }, { name: "eht1" }] },
      { name: "cmp", address: "10.0.0.3", roles: ["compute"], interfaces: [{ name: "eth0" }, { name: "eth2" }] },
      { name: "cmp2", address: "10.0.0.4", roles: ["compute"] },
    ] as const;
    expect(lines(spec({ hosts, services: { neutron: { tunnelInterface: "eth2" } }, externalNetwork: ext }))).toEqual([
      'hosts[1].interfaces: network host "net" lists no interface "eth1", the external network\'s interface (it lists eth0, eht1)',
      'hosts[1].interfaces: host "net" lists no interface "eth2", the tunnel interface (it lists eth0, eht1)',
    ]);
  });
});

describe("schema messages", () => {
  it("suggest the value people mean, not the nearest spelling", () => {
    const withAgent = (l2Agent: string) => lines(spec({ services: { neutron: { l2Agent } } } as unknown as TopologySpec));
    expect(withAgent("ovs")).toEqual(['services.neutron.l2Agent: "ovs" is not allowed; did you mean "openvswitch"?']);
    expect(withAgent("OVN")).toEqual(['services.neutron.l2Agent: "OVN" is not allowed; did you mean "ovn"?']);
  });
});
