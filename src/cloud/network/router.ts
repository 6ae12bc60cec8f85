import { Construct } from "../../cdktf";
import { ImportedRouter, type ScopedLookupOptions } from "../imported";
import type { INetwork, IProject, IRouter } from "../interfaces";
import { NetworkingRouterInterfaceV2, NetworkingRouterV2 } from "../provider";
import { linkId } from "../link-ids";
import { ownershipProblems, owningProject } from "../ownership";
import { identifierFrom, addProblem, readableName, validateAtSynth } from "../validation";
import type { IExternalNetwork } from "./external-network-ref";

/** Props of {@link Router}. */
export interface RouterProps {
  /** Router name. */
  readonly name: string;
  /** Gateway network; without it the router only joins tenant networks. @default none */
  readonly externalNetwork?: IExternalNetwork;
  /** Source NAT on the gateway (admin only to change). @default the cloud's default (true) */
  readonly enableSnat?: boolean;
  /** Networks to attach now; more with {@link Router.addInterface}. @default [] */
  readonly interfaces?: readonly INetwork[];
  /** @default the provider's project */
  readonly project?: IProject;
}

/** A Neutron router with an external gateway and interfaces on tenant subnets. */
export class Router extends Construct implements IRouter {
  /** A router the cloud has, by name. */
  static fromName(scope: Construct, id: string, name: string, options: ScopedLookupOptions = {}): IRouter {
    return new ImportedRouter(scope, id, { name }, options);
  }

  /** A router the cloud has, by id. */
  static fromId(scope: Construct, id: string, routerId: string, options: ScopedLookupOptions = {}): IRouter {
    return new ImportedRouter(scope, id, { id: routerId }, options);
  }

  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: NetworkingRouterV2;
  /** Name as the cloud knows it. */
  readonly name: string;
  readonly project?: IProject;

  constructor(scope: Construct, id: string, props: RouterProps) {
    super(scope, id);
    this.name = props.name;
    this.project = props.project;
    this.resource = new NetworkingRouterV2(this, "router", {
      name: props.name,
      externalNetworkId: props.externalNetwork?.id,
      enableSnat: props.enableSnat,
      tenantId: props.project?.id,
      adminStateUp: true,
      // The gateway port takes an address from the external subnet, but the router only
      // references the network. Without this edge Terraform may destroy the external subnet
      // first, which Neutron refuses while the gateway port holds an address in it, and may
      // create the router before the subnet exists, leaving it without a gateway address.
      dependsOn: props.externalNetwork?.addressSubnet ? [props.externalNetwork.addressSubnet] : undefined,
    });
    for (const network of props.interfaces ?? []) this.addInterface(network);
  }

  get id(): string {
    return this.resource.id;
  }

  /** Attaches the network's subnet and records the interface on the network for floating IPs. */
  addInterface(network: INetwork): NetworkingRouterInterfaceV2 | undefined {
    const link = linkId(this, `interface-${identifierFrom(readableName(network, "id"))}`, network);
    if (link.exists) {
      addProblem(this, `network ${readableName(network)} is attached twice`);
      return this.node.findChild(link.id) as NetworkingRouterInterfaceV2;
    }
    const owner = owningProject(this, this.project);
    validateAtSynth(this, () => ownershipProblems({ what: `router ${this.name}`, owner }, [{ kind: "network", resource: network }]));
    if (!network.subnet) {
      addProblem(this, `network ${network.node.path} has no subnet to attach; import it with its subnet (TenantNetwork.fromName(…, { subnet: "…" }))`);
      return undefined;
    }
    const attachment = new NetworkingRouterInterfaceV2(this, link.id, {
      routerId: this.id,
      subnetId: network.subnet.id,
    });
    network.routerInterfaces.push(attachment);
    return attachment;
  }
}
