import { Construct } from "../../cdktf";
import { RdoctlError } from "../../errors";
import type { Topology } from "../../topology/model";
import { defaultAllocationPool, parseCidr, subnetAddressIssues } from "../../topology/net";
import { NetworkingNetworkV2, NetworkingSubnetV2 } from "../provider";
import { addProblem, validateAtSynth } from "../validation";
import type { IExternalNetwork } from "./external-network-ref";

/** Props of {@link ExternalNetwork}. */
export interface ExternalNetworkProps {
  /** @default "public" */
  readonly name?: string;
  /**
   * Neutron physical network; must be a key of the topology's bridge mappings, or nothing on
   * the network hosts carries the traffic. @default the topology's, else "extnet"
   */
  readonly physicalNetwork?: string;
  /** @default the topology's, else "flat" */
  readonly type?: "flat" | "vlan";
  /** VLAN id, required for `vlan`. */
  readonly segmentationId?: number;
  /** e.g. `203.0.113.0/24`. */
  readonly cidr: string;
  /** Upstream router address, inside `cidr`. */
  readonly gateway: string;
  /** Addresses Neutron hands out for router gateways and floating IPs. @default the CIDR minus network, broadcast and gateway */
  readonly allocationPool?: { readonly start: string; readonly end: string };
  /** Let every project attach ports directly (provider network use). @default false */
  readonly shared?: boolean;
  /** @default [] */
  readonly dnsNameservers?: readonly string[];
  /**
   * The cloud this network lives on. When given, the physical network, its type and VLAN id
   * are checked against the Neutron settings Packstack applied (bridge mappings, type drivers,
   * VLAN ranges) when the stack is synthesized.
   * @default no check
   */
  readonly topology?: Topology;
}

/**
 * The external (provider) network floating IPs and router gateways come from: flat or VLAN on a
 * physical network, with a subnet that has a gateway, an allocation pool and no DHCP (the
 * addresses belong to routers and floating IPs, not to DHCP clients).
 */
export class ExternalNetwork extends Construct implements IExternalNetwork {
  /** Props for the network the topology describes (`externalNetwork:` of the inventory). */
  static propsFromTopology(topology: Topology, overrides: Partial<ExternalNetworkProps> = {}): ExternalNetworkProps {
    const ext = topology.externalNetwork;
    if (!ext) {
      throw new RdoctlError(`topology ${topology.name} has no externalNetwork; give cidr and gateway explicitly`);
    }
    return {
      physicalNetwork: ext.physicalNetwork,
      type: ext.type,
      segmentationId: ext.segmentationId,
      cidr: ext.cidr,
      gateway: ext.gateway,
      allocationPool: ext.allocationPool,
      topology,
      ...overrides,
    };
  }

  /** The Neutron network resource (escape hatch). */
  readonly network: NetworkingNetworkV2;
  /** The Neutron subnet resource (escape hatch). */
  readonly subnet: NetworkingSubnetV2;
  /** The Neutron physical network it is on. */
  readonly physicalNetwork: string;

  constructor(scope: Construct, id: string, props: ExternalNetworkProps) {
    super(scope, id);
    const ext = props.topology?.externalNetwork;
    this.physicalNetwork = props.physicalNetwork ?? ext?.physicalNetwork ?? "extnet";
    const type = props.type ?? ext?.type ?? "flat";
    const segmentationId = props.segmentationId ?? (type === "vlan" ? ext?.segmentationId : undefined);
    if (type === "vlan" && (segmentationId === undefined || !Number.isInteger(segmentationId) || segmentationId < 1 || segmentationId > 4094)) {
      addProblem(this, `VLAN network needs segmentationId 1-4094, got ${String(segmentationId)}`);
    }
    if (type === "flat" && props.segmentationId !== undefined) {
      addProblem(this, "segmentationId is for VLAN networks; this one is flat");
    }
    const issues = subnetAddressIssues(props, "router gateways and floating IPs");
    for (const issue of issues) addProblem(this, `${issue.field}: ${issue.message} (expected ${issue.expected})`);
    const cidr = parseCidr(props.cidr);
    const pool = props.allocationPool ?? (typeof cidr === "string" ? undefined : defaultAllocationPool(cidr, props.gateway));

    if (props.topology) {
      const topology = props.topology;
      validateAtSynth(this, () => physicalNetworkIssues(topology, this.physicalNetwork, type));
    }

    const name = props.name ?? "public";
    this.network = new NetworkingNetworkV2(this, "network", {
      name,
      external: true,
      shared: props.shared ?? false,
      adminStateUp: true,
      segments: [
        {
          networkType: type,
          physicalNetwork: this.physicalNetwork,
          segmentationId,
        },
      ],
    });
    this.subnet = new NetworkingSubnetV2(this, "subnet", {
      name: `${name}-subnet`,
      networkId: this.network.id,
      cidr: props.cidr,
      ipVersion: typeof cidr === "string" ? undefined : cidr.version,
      gatewayIp: props.gateway,
      enableDhcp: false,
      allocationPool: pool ? [{ start: pool.start, end: pool.end }] : undefined,
      dnsNameservers: props.dnsNameservers && props.dnsNameservers.length > 0 ? [...props.dnsNameservers] : undefined,
    });
  }

  /** Network id as a Terraform reference. */
  get id(): string {
    return this.network.id;
  }

  get addressSubnet(): NetworkingSubnetV2 {
    return this.subnet;
  }

  /** Network name as a reference: floating IP `pool` arguments take names, not ids. */
  get name(): string {
    return this.network.name;
  }
}

/**
 * Why a physical network would not carry traffic on this topology's Neutron: unmapped, a type
 * the ML2 type drivers do not load, or a VLAN outside the configured ranges.
 */
export function physicalNetworkIssues(
  topology: Topology,
  physicalNetwork: string,
  type: "flat" | "vlan",
): string[] {
  const neutron = topology.services.neutron;
  const issues: string[] = [];
  const mapped = Object.keys(neutron.bridgeMappings);
  if (!mapped.includes(physicalNetwork)) {
    issues.push(
      `physical network ${physicalNetwork} is not in the bridge mappings of topology ${topology.name} ` +
        `(${mapped.length > 0 ? mapped.map((p) => `${p}:${neutron.bridgeMappings[p]}`).join(", ") : "none"}); ` +
        `expected one of: ${mapped.join(", ") || "(add services.neutron.bridgeMappings)"}`,
    );
  }
  if (!neutron.typeDrivers.includes(type)) {
    issues.push(`network type ${type} is not among the ML2 type drivers of topology ${topology.name} (${neutron.typeDrivers.join(", ")})`);
  }
  // ML2 accepts a VLAN provider network on any physical network listed in network_vlan_ranges,
  // whatever the id: the ranges only bound what tenants get allocated.
  if (type === "vlan" && !neutron.vlanRanges.some((r) => r.split(":")[0] === physicalNetwork)) {
    issues.push(`physical network ${physicalNetwork} has no entry in services.neutron.vlanRanges of topology ${topology.name}, so ML2 refuses VLANs on it`);
  }
  return issues;
}
