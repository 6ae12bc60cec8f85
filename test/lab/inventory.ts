// Inventories for lab hosts: one place that turns a running lab into a TopologySpec, shared by
// `scripts/lab.mjs up` (the inventory a newcomer installs with) and the install e2e tests.
import { existsSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import YAML from "yaml";
import type { ExternalNetworkSpec, Role, TopologySpec } from "../../src/topology/model";
import type { Lab } from "./lab";

/** The lab's DNS domain (HostOptions.domain's default), so FQDNs and `domain` agree. */
export const LAB_DOMAIN = "rdoctl-lab.test";

/**
 * A small flat external network on every host's spare NIC (`eth1`, a lab default), in the
 * documentation range 203.0.113.0/24 (RFC 5737) so it can never clash with a real network.
 */
export const LAB_EXTERNAL_NETWORK: ExternalNetworkSpec = {
  interface: "eth1",
  cidr: "203.0.113.0/24",
  gateway: "203.0.113.1",
  allocationPool: { start: "203.0.113.100", end: "203.0.113.150" },
};

/**
 * Roles for a lab of `count` hosts, as one would lay out a small cloud: 1 → all-in-one;
 * 2 → controller+network, compute; 3 or more → controller, network, then computes.
 */
export function labRoles(count: number): Role[][] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`a lab cloud needs at least one host, got ${count}`);
  if (count === 1) return [["controller", "network", "compute", "storage"]];
  if (count === 2) return [["controller", "network"], ["compute"]];
  return [["controller"], ["network"], ...Array.from({ length: count - 2 }, (): Role[] => ["compute"])];
}

/**
 * A TopologySpec for the first `roles.length` hosts of a lab: their addresses and FQDNs, the
 * lab's client key, and host keys pinned to the lab's fingerprints (so rdoctl never needs
 * known_hosts nor --accept-new-host-keys). `extra` is merged over the top level.
 */
export function labTopologySpec(
  lab: Pick<Lab, "hosts" | "clientKeyFile">,
  name: string,
  roles: ReadonlyArray<readonly Role[]>,
  extra: Partial<TopologySpec> = {},
): TopologySpec {
  if (roles.length > lab.hosts.length) {
    throw new Error(`${roles.length} role sets for a lab of ${lab.hosts.length} host(s)`);
  }
  return {
    name,
    release: "2025.1",
    domain: LAB_DOMAIN,
    hosts: roles.map((hostRoles, i) => {
      const host = lab.hosts[i]!;
      return {
        name: host.name,
        address: host.address,
        fqdn: host.fqdn,
        roles: hostRoles,
        ssh: { keyFile: lab.clientKeyFile, hostKeys: [host.hostKeyFingerprint] },
      };
    }),
    ...extra,
  };
}

/** The whole lab as one cloud (roles from {@link labRoles}) with {@link LAB_EXTERNAL_NETWORK}. */
export function labCloudSpec(lab: Pick<Lab, "hosts" | "clientKeyFile">, name: string): TopologySpec {
  return labTopologySpec(lab, name, labRoles(lab.hosts.length), { externalNetwork: LAB_EXTERNAL_NETWORK });
}

const SCHEMA_FILE = resolve(__dirname, "../../schema/inventory.schema.json");

/**
 * Writes `spec` as a YAML inventory. The `yaml-language-server` schema comment is added only
 * when the schema is reachable by a relative path from the file (editors resolve it that way).
 */
export function writeLabInventory(file: string, spec: TopologySpec): void {
  const schema = relative(dirname(resolve(file)), SCHEMA_FILE);
  const reachable = !schema.startsWith("/") && existsSync(resolve(dirname(resolve(file)), schema));
  const header = reachable ? `# yaml-language-server: $schema=${schema}\n` : "";
  writeFileSync(file, `${header}# Written by scripts/lab.mjs for the lab hosts below; see test/lab/README.md.\n${YAML.stringify(spec)}`);
}
