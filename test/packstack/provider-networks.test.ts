import { describe, expect, it } from "vitest";
import { generateAnswers } from "../../src/packstack/answers";
import { loadCatalog } from "../../src/packstack/catalog";
import { DeterministicSecretSource } from "../../src/packstack/secrets";
import { InventoryError, RELEASES, type HostSpec, type NeutronSpec, type TopologySpec } from "../../src/topology";
import { validateTopologySpec } from "../../src/topology/validate";

/**
 * Issue 9.1: provider networks on compute hosts. The bridges each compute host needs come from
 * the hosts' provider interfaces (or services.neutron.computeBridges), are written as
 * CONFIG_NEUTRON_{OVS,OVN}_BRIDGES_COMPUTE, and cases that cannot work are refused.
 */

const controller: HostSpec = { name: "ctl", address: "10.0.0.10", roles: ["controller", "network"], interfaces: [{ name: "eno1" }, { name: "eno2", purpose: "provider" }] };
const compute = (n: number, interfaces: HostSpec["interfaces"] = [{ name: "eno1" }, { name: "eno2", purpose: "provider" }]): HostSpec => ({
  name: `cmp${n}`,
  address: `10.0.0.${20 + n}`,
  roles: ["compute"],
  interfaces,
});
const provider = (l2Agent: "openvswitch" | "ovn", extra: NeutronSpec = {}): NeutronSpec => ({
  l2Agent,
  typeDrivers: l2Agent === "ovn" ? ["vlan", "geneve"] : ["vlan", "vxlan"],
  tenantNetworkTypes: l2Agent === "ovn" ? ["geneve"] : ["vxlan"],
  bridgeMappings: { provider: "br-provider" },
  bridgeInterfaces: { "br-provider": "eno2" },
  vlanRanges: ["provider:100:199"],
  ...extra,
});
const cloud = (neutron: NeutronSpec, hosts: HostSpec[] = [controller, compute(1), compute(2)]): TopologySpec => ({ name: "prov", hosts, services: { neutron } });

function problems(spec: TopologySpec): string[] {
  try {
    validateTopologySpec(spec);
  } catch (err) {
    if (err instanceof InventoryError) return err.issues.filter((i) => i.rule === "compute-bridges").map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}
const answers = (spec: TopologySpec) => generateAnswers(validateTopologySpec(spec), { secrets: new DeterministicSecretSource("prov") }).values;

describe("compute bridges", () => {
  it.each([
    ["openvswitch", "CONFIG_NEUTRON_OVS_BRIDGES_COMPUTE"],
    ["ovn", "CONFIG_NEUTRON_OVN_BRIDGES_COMPUTE"],
  ] as const)("%s: compute hosts' provider interfaces give %s", (agent, key) => {
    expect(problems(cloud(provider(agent)))).toEqual([]);
    const values = answers(cloud(provider(agent)));
    expect(values[key]).toBe("br-provider");
    expect(values[key.replace("BRIDGES_COMPUTE", "BRIDGE_IFACES")]).toBe("br-provider:eno2");
  });

  it("openvswitch with vlan tenant networks too (the issue's second case)", () => {
    const vlanTenants = cloud(provider("openvswitch", { tenantNetworkTypes: ["vlan", "vxlan"] }));
    expect(problems(vlanTenants)).toEqual([]);
    expect(answers(vlanTenants).CONFIG_NEUTRON_OVS_BRIDGES_COMPUTE).toBe("br-provider");
  });

  it("ovn with vlan tenant networks cannot work: Packstack replaces the tenant types with geneve", () => {
    expect(() => answers(cloud(provider("ovn", { tenantNetworkTypes: ["vlan", "geneve"] })))).toThrow(
      'prov: services.neutron.tenantNetworkTypes: Packstack 2025.1 would not use CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES=vlan,geneve: with CONFIG_NEUTRON_L2_AGENT=ovn Packstack uses "geneve" instead (OVN only supports geneve encapsulation) (expected what Packstack keeps ("geneve"))',
    );
  });

  it("computeBridges overrides the derived list", () => {
    const twoBridges = provider("openvswitch", {
      typeDrivers: ["vlan", "flat", "vxlan"],
      bridgeMappings: { provider: "br-provider", storage: "br-storage" },
      bridgeInterfaces: { "br-provider": "eno2", "br-storage": "eno3" },
      computeBridges: ["br-provider", "br-storage"],
    });
    const hosts = [controller, compute(1, [{ name: "eno1" }, { name: "eno2", purpose: "provider" }, { name: "eno3" }])];
    expect(problems(cloud(twoBridges, hosts))).toEqual([]);
    expect(answers(cloud(twoBridges, hosts)).CONFIG_NEUTRON_OVS_BRIDGES_COMPUTE).toBe("br-provider,br-storage");
    expect(answers(cloud(provider("ovn", { computeBridges: [] }), [controller, compute(1, [{ name: "eno1" }])])).CONFIG_NEUTRON_OVN_BRIDGES_COMPUTE).toBe("");
  });

  it("vlan tenant networks whose bridge the compute hosts do not get cannot work", () => {
    const noProvider = cloud(provider("openvswitch", { tenantNetworkTypes: ["vlan"] }), [controller, compute(1, [{ name: "eno1" }])]);
    expect(problems(noProvider)).toEqual([
      'services.neutron.tenantNetworkTypes[0]: vlan tenant networks on physical network "provider" cannot reach the compute hosts: bridge "br-provider" is not created there',
    ]);
    // All-in-one: the compute host is the network host, which gets every bridge.
    const aio: HostSpec = { name: "aio", address: "10.0.0.10", roles: ["controller", "network", "compute"] };
    expect(problems(cloud(provider("openvswitch", { tenantNetworkTypes: ["vlan"] }), [aio]))).toEqual([]);
  });

  it("refuses what Packstack cannot build: unmapped or unplugged bridges, stray provider interfaces, one interface name for all computes", () => {
    expect(problems(cloud(provider("ovn", { computeBridges: ["br-nope"] })))).toEqual([
      'services.neutron.computeBridges[0]: bridge "br-nope" is not the target of any bridge mapping',
      'hosts[1].interfaces[1].purpose: provider interface "eno2" of compute host "cmp1" belongs to bridge "br-provider", which services.neutron.computeBridges leaves out',
      'hosts[2].interfaces[1].purpose: provider interface "eno2" of compute host "cmp2" belongs to bridge "br-provider", which services.neutron.computeBridges leaves out',
    ]);
    expect(problems(cloud(provider("ovn", { bridgeMappings: { provider: "br-provider", other: "br-other" }, computeBridges: ["br-other"] })))[0]).toBe(
      'services.neutron.computeBridges[0]: bridge "br-other" has no interface in bridgeInterfaces, so Packstack has nothing to plug into it on the compute hosts',
    );
    expect(problems(cloud(provider("ovn"), [controller, compute(1, [{ name: "eno1" }, { name: "eno3", purpose: "provider" }])]))).toEqual([
      'hosts[1].interfaces[1].purpose: provider interface "eno3" of compute host "cmp1" is plugged into no bridge, so no provider network reaches it',
    ]);
    expect(problems(cloud(provider("openvswitch"), [controller, compute(1), compute(2, [{ name: "eth0" }, { name: "eth1" }])]))).toEqual([
      'hosts[2].interfaces: compute host "cmp2" lists no interface "eno2", which Packstack plugs into bridge "br-provider" on every compute host (it lists eth0, eth1)',
    ]);
    expect(problems(cloud(provider("ovn", { typeDrivers: ["geneve"], vlanRanges: [] })))).toEqual([
      'hosts[1].interfaces[1].purpose: provider interface "eno2" of compute host "cmp1" is unused: Packstack creates compute bridges only with a flat or vlan type driver (geneve)',
      'hosts[2].interfaces[1].purpose: provider interface "eno2" of compute host "cmp2" is unused: Packstack creates compute bridges only with a flat or vlan type driver (geneve)',
    ]);
  });

  it.each(RELEASES)("%s: has no DVR option, so the model has none (a catalog that gains one fails here: model it)", (release) => {
    const catalog = loadCatalog(release);
    expect(catalog.params.filter((p) => /dvr|distributed/i.test(`${p.name} ${p.description ?? ""}`)).map((p) => p.name)).toEqual([]);
  });
});
