import { CloudBuilder } from "../../src/topology/builder";

/**
 * inventories/three-node.yaml written in TypeScript: a controller, a dedicated network node and
 * one compute node. Every command that takes an inventory takes this file too
 * (`rdoctl validate stacks/topologies/three-node.ts`).
 */
export default new CloudBuilder("three-node")
  .release("2025.1")
  .domain("lab.example.com")
  .host({
    name: "controller",
    address: "192.168.122.11",
    roles: ["controller", "storage"],
    interfaces: [{ name: "eth0", address: "192.168.122.11/24" }],
  })
  .host({
    name: "network",
    address: "192.168.122.12",
    roles: ["network"],
    interfaces: [
      { name: "eth0", address: "192.168.122.12/24" },
      { name: "eth1", purpose: "external" },
    ],
  })
  .host({
    name: "compute1",
    address: "192.168.122.21",
    roles: ["compute"],
    interfaces: [{ name: "eth0", address: "192.168.122.21/24" }],
  })
  .neutron({ l2Agent: "ovn", tunnelInterface: "eth0" })
  .enable("heat")
  .ntpServers("0.pool.ntp.org", "1.pool.ntp.org")
  .externalNetwork({ interface: "eth1", cidr: "198.51.100.0/24", gateway: "198.51.100.1" });
