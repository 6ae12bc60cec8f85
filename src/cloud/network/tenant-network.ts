import { Construct, type ITerraformDependable } from "../../cdktf";
import { ImportedNetwork, type Lookup, type NetworkLookupOptions } from "../imported";
import type { INetwork, IProject } from "../interfaces";
import { ipVersion, subnetAddressIssues } from "../../topology/net";
import { NetworkingNetworkV2, NetworkingSubnetV2 } from "../provider";
import { addProblem } from "../validation";

/** Props of {@link TenantNetwork}. */
export interface TenantNetworkProps {
  /** Network name; the subnet is named `<name>-subnet`. */
  readonly name: string;
  /** e.g. `192.168.10.0/24`. */
  readonly cidr: string;
  /** @default Neutron picks the first address */
  readonly gateway?: string;
  /** Resolvers handed out by DHCP. @default [] (the cloud's dnsmasq/OVN default) */
  readonly dnsNameservers?: readonly string[];
  /** @default true */
  readonly enableDhcp?: boolean;
  /** @default the whole CIDR minus network, broadcast and gateway */
  readonly allocationPool?: { readonly start: string; readonly end: string };
  /** Owner project, for an admin building networks for others. @default the provider's project */
  readonly project?: IProject;
  /** @default the cloud's default (1442 on Geneve, 1450 on VXLAN) */
  readonly mtu?: number;
  /** @default false */
  readonly shared?: boolean;
}

/**
 * A project network with one subnet.
 *
 * Changing `cidr` replaces the subnet, and Neutron refuses to delete a subnet that still has
 * ports: servers' ports reference the subnet, so Terraform replaces them too, but ports made
 * outside this stack block the apply and must be removed first.
 */
export class TenantNetwork extends Construct implements INetwork {
  /**
   * A network the cloud has, by name: made by another stack or by hand. Give `subnet` to attach
   * it to a router or to pin fixed addresses, and `project` when it belongs to another project
   * (searched there, and checked against the servers that join it).
   */
  static fromName(scope: Construct, id: string, name: string, options: Omit<NetworkLookupOptions, "subnet"> & { readonly subnet?: Lookup | string } = {}): INetwork {
    return new ImportedNetwork(scope, id, { name }, { ...options, subnet: typeof options.subnet === "string" ? { name: options.subnet } : options.subnet });
  }

  /** A network the cloud has, by id; see {@link fromName}. */
  static fromId(scope: Construct, id: string, networkId: string, options: Omit<NetworkLookupOptions, "subnet"> & { readonly subnet?: Lookup | string } = {}): INetwork {
    return new ImportedNetwork(scope, id, { id: networkId }, { ...options, subnet: typeof options.subnet === "string" ? { name: options.subnet } : options.subnet });
  }

  /** The Neutron network resource (escape hatch). */
  readonly network: NetworkingNetworkV2;
  /** The Neutron subnet resource (escape hatch); ports and router interfaces use it. */
  readonly subnet: NetworkingSubnetV2;
  /** Name as the cloud knows it. */
  readonly name: string;
  readonly project?: IProject;
  readonly shared: boolean;
  /**
   * Router interfaces on this network's subnet, filled by {@link Router.addInterface}. Floating
   * IP associations on ports of this network depend on them; see {@link FloatingIp}.
   */
  readonly routerInterfaces: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: TenantNetworkProps) {
    super(scope, id);
    this.name = props.name;
    this.project = props.project;
    this.shared = props.shared ?? false;
    for (const issue of subnetAddressIssues(props)) addProblem(this, `${issue.field}: ${issue.message} (expected ${issue.expected})`);
    for (const server of props.dnsNameservers ?? []) {
      if (ipVersion(server) === undefined) {
        addProblem(this, `DNS server ${server} is not an IP address`);
      }
    }
    this.network = new NetworkingNetworkV2(this, "network", {
      name: props.name,
      tenantId: props.project?.id,
      mtu: props.mtu,
      shared: props.shared,
      adminStateUp: true,
    });
    this.subnet = new NetworkingSubnetV2(this, "subnet", {
      name: `${props.name}-subnet`,
      networkId: this.network.id,
      tenantId: props.project?.id,
      cidr: props.cidr,
      ipVersion: ipVersion(props.cidr.split("/")[0] ?? ""),
      gatewayIp: props.gateway,
      enableDhcp: props.enableDhcp ?? true,
      dnsNameservers: props.dnsNameservers && props.dnsNameservers.length > 0 ? [...props.dnsNameservers] : undefined,
      allocationPool: props.allocationPool ? [{ start: props.allocationPool.start, end: props.allocationPool.end }] : undefined,
    });
  }

  get id(): string {
    return this.network.id;
  }
}
