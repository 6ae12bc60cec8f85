import { describe, expect, it } from "vitest";
import { DEFAULT_RELEASE, hostForRole, resolveTopology, type TopologySpec } from "../../src/topology";

const minimal: TopologySpec = {
  name: "lab",
  hosts: [
    { name: "ctl", address: "10.0.0.11", roles: ["controller"] },
    { name: "cmp", address: "10.0.0.21", roles: ["compute"], ssh: { user: "cloud-user", jump: "ctl" } },
  ],
};

describe("resolveTopology defaults", () => {
  const topology = resolveTopology(minimal);

  it("fills release, domain, deployer and empty collections", () => {
    expect(topology.release).toBe(DEFAULT_RELEASE);
    expect(topology.domain).toBe("localdomain");
    expect(topology.deployer).toBe("ctl");
    expect(topology.ntpServers).toEqual([]);
    expect(topology.packstack).toEqual({});
    expect(topology.ssl).toEqual({ amqp: false });
    expect(topology.externalNetwork).toBeUndefined();
  });

  it("fills SSH settings and FQDNs per host", () => {
    expect(topology.hosts[0]).toEqual({
      name: "ctl",
      address: "10.0.0.11",
      fqdn: "ctl.localdomain",
      roles: ["controller"],
      ssh: { user: "root", port: 22, passwordAuth: false, hostKeys: [] },
      interfaces: [],
    });
    expect(topology.hosts[1]!.ssh).toEqual({ user: "cloud-user", port: 22, passwordAuth: false, hostKeys: [], jump: "ctl" });
    expect(resolveTopology({ ...minimal, domain: "example.org" }).hosts[1]!.fqdn).toBe("cmp.example.org");
  });

  it("defaults interface purpose to management", () => {
    const t = resolveTopology({ ...minimal, hosts: [{ ...minimal.hosts[0]!, interfaces: [{ name: "eth0" }] }] });
    expect(t.hosts[0]!.interfaces).toEqual([{ name: "eth0", purpose: "management" }]);
  });

  it("enables the core services and leaves the optional ones off", () => {
    const s = topology.services;
    expect(s.nova).toEqual({ enabled: true, libvirtType: "kvm" });
    expect(s.glance).toEqual({ enabled: true, backend: "file" });
    expect(s.cinder).toEqual({ enabled: true, backends: ["lvm"], lvmVolumeSize: "20G", nfsMounts: [] });
    expect(s.swift).toEqual({ enabled: false, devices: [], replicas: 1, storageSize: "2G" });
    expect(s.horizon).toEqual({ enabled: true, ssl: false });
    for (const name of ["heat", "ceilometer", "aodh", "manila", "trove", "sahara", "magnum", "ironic", "demo", "tempest"] as const) {
      expect(s[name]).toEqual({ enabled: false });
    }
  });

  it("picks Neutron type drivers by L2 agent", () => {
    expect(topology.services.neutron).toEqual({
      l2Agent: "ovn",
      typeDrivers: ["geneve", "flat"],
      tenantNetworkTypes: ["geneve"],
      bridgeMappings: {},
      bridgeInterfaces: {},
      vlanRanges: [],
      computeBridges: [],
    });
    const ovs = resolveTopology({ ...minimal, services: { neutron: { l2Agent: "openvswitch" } } }).services.neutron;
    expect(ovs.typeDrivers).toEqual(["vxlan", "flat"]);
    expect(ovs.tenantNetworkTypes).toEqual(["vxlan"]);
  });

  it("derives bridge mappings, bridge interfaces and the allocation pool from the external network", () => {
    const t = resolveTopology({
      ...minimal,
      services: { neutron: { bridgeMappings: { physnet1: "br-vlan" }, bridgeInterfaces: { "br-vlan": "eth2" } } },
      externalNetwork: { cidr: "203.0.113.0/24", gateway: "203.0.113.1", interface: "eth1" },
    });
    expect(t.externalNetwork).toEqual({
      physicalNetwork: "extnet",
      bridge: "br-ex",
      type: "flat",
      cidr: "203.0.113.0/24",
      gateway: "203.0.113.1",
      interface: "eth1",
      allocationPool: { start: "203.0.113.2", end: "203.0.113.254" },
    });
    expect(t.services.neutron.bridgeMappings).toEqual({ extnet: "br-ex", physnet1: "br-vlan" });
    expect(t.services.neutron.bridgeInterfaces).toEqual({ "br-ex": "eth1", "br-vlan": "eth2" });
  });

  it("keeps the larger side of the CIDR when the gateway sits in the middle", () => {
    const t = resolveTopology({ ...minimal, externalNetwork: { cidr: "198.51.100.0/24", gateway: "198.51.100.200", interface: "eth1" } });
    expect(t.externalNetwork!.allocationPool).toEqual({ start: "198.51.100.1", end: "198.51.100.199" });
    const v6 = resolveTopology({ ...minimal, externalNetwork: { cidr: "2001:db8:1::/64", gateway: "2001:db8:1::1", interface: "eth1" } });
    expect(v6.externalNetwork!.allocationPool).toEqual({ start: "2001:db8:1::2", end: "2001:db8:1:0:ffff:ffff:ffff:ffff" });
  });

  it("lets the controller carry network, amqp, database and redis when no host does", () => {
    for (const role of ["network", "amqp", "database", "redis"] as const) expect(hostForRole(topology, role).name).toBe("ctl");
  });

  it("does not share arrays with the spec", () => {
    const spec: TopologySpec = { ...minimal, ntpServers: ["ntp.example.com"] };
    const t = resolveTopology(spec);
    expect(t.ntpServers).not.toBe(spec.ntpServers);
    expect(t.hosts[0]!.roles).not.toBe(spec.hosts[0]!.roles);
  });
});
