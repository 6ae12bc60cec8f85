import { Annotations, Aspects, Construct, dependable } from "../../cdktf";
import { NetworkingFloatingipAssociateV2, NetworkingFloatingipV2 } from "../provider";
import type { IExternalNetwork } from "./external-network-ref";
import type { INetwork, IProject } from "../interfaces";
import { readableName } from "../validation";

/** Props of {@link FloatingIp}. */
export interface FloatingIpProps {
  /** Network the address comes from. */
  readonly pool: IExternalNetwork;
  /** Port to associate, and the tenant network it sits on. @default allocate only */
  readonly attachTo?: { readonly portId: string; readonly network?: INetwork };
  /** @default none */
  readonly description?: string;
  /** Project that owns the address (admin only for another project). @default the project of the stack's credentials */
  readonly project?: IProject;
}

/**
 * A floating IP, optionally associated with a port.
 *
 * Destroy order matters twice here, and Terraform cannot infer it from references:
 * - the address comes from the external subnet, so the floating IP depends on that subnet
 *   (Neutron will not delete a subnet with addresses in use);
 * - Neutron associates a floating IP only with a port whose subnet a router connects to the
 *   external network, and refuses to remove that router interface while a floating IP uses
 *   it. So the association depends on the network's router interfaces: created after them,
 *   destroyed before them. The edge is added when the stack is synthesized, so the router may
 *   be attached before or after the floating IP is declared.
 */
export class FloatingIp extends Construct {
  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: NetworkingFloatingipV2;
  /** The association with the port, when `attachTo` is given. */
  readonly association?: NetworkingFloatingipAssociateV2;

  constructor(scope: Construct, id: string, props: FloatingIpProps) {
    super(scope, id);
    this.resource = new NetworkingFloatingipV2(this, "address", {
      pool: props.pool.name,
      description: props.description,
      tenantId: props.project?.id,
      dependsOn: props.pool.addressSubnet ? [props.pool.addressSubnet] : undefined,
    });
    if (props.attachTo) {
      this.association = new NetworkingFloatingipAssociateV2(this, "association", {
        floatingIp: this.resource.address,
        portId: props.attachTo.portId,
      });
      const association = this.association;
      const network = props.attachTo.network;
      let done = false;
      Aspects.of(this).add({
        visit: (node: unknown) => {
          if (done || node !== association) return;
          done = true;
          if (!network) {
            Annotations.of(this).addWarning("the port's network is not known to this stack; the association fails unless a router connects it to the external network");
            return;
          }
          if (network.routerInterfaces.length === 0) {
            Annotations.of(this).addWarning(
              `network ${readableName(network)} has no router interface in this stack; the association fails unless a router outside the stack connects it to the external network`,
            );
          }
          association.dependsOn = [...(association.dependsOn ?? []), ...network.routerInterfaces.map((i) => dependable(i))];
        },
      });
    }
  }

  /** The address, known after apply. */
  get address(): string {
    return this.resource.address;
  }
}
