import { PipelineError } from "./exit-codes";
import type { Role, TopologySpec } from "../topology/model";

/** One host of the lab-hosts stack's `hosts` output (`terraform output -json hosts`). */
export interface LabHostOutput {
  readonly name: string;
  readonly address: string;
  readonly provider_address: string;
  readonly server_id: string;
}

/**
 * Roles for `count` hosts, as a small cloud is laid out: 1 → all-in-one; 2 → controller+network
 * and a compute; 3 or more → controller, network, then computes.
 */
export function rolesFor(count: number): Role[][] {
  if (count === 1) return [["controller", "network", "compute", "storage"]];
  if (count === 2) return [["controller", "network"], ["compute"]];
  return [["controller"], ["network"], ...Array.from({ length: count - 2 }, (): Role[] => ["compute"])];
}

/**
 * The inventory rdoctl installs on the servers the lab-hosts stack made: their management
 * addresses for SSH (root, rdoctl's key), `eth1` (the provider port) as the external network's
 * interface, and host keys when they were collected (cloud-init phone-home or console log).
 */
export function labHostsInventory(
  hosts: readonly LabHostOutput[],
  options: { name: string; keyFile: string; release?: string; hostKeys?: Readonly<Record<string, string>>; externalNetwork?: TopologySpec["externalNetwork"] },
): TopologySpec {
  if (hosts.length === 0) throw new PipelineError("badInput", "the lab-hosts stack has no hosts: deploy it first (its output `hosts` is empty)");
  const roles = rolesFor(hosts.length);
  return {
    name: options.name,
    release: (options.release ?? "2025.1") as TopologySpec["release"],
    hosts: hosts.map((h, i) => ({
      name: h.name,
      address: h.address,
      roles: roles[i]!,
      ssh: { user: "root", keyFile: options.keyFile, ...(options.hostKeys?.[h.name] ? { hostKeys: [options.hostKeys[h.name]!] } : {}) },
    })),
    ...(options.externalNetwork ? { externalNetwork: options.externalNetwork } : {}),
  };
}
