import { Construct, type ITerraformDependable } from "../../cdktf";
import { DataOpenstackNetworkingNetworkV2 } from "../provider";

/**
 * What routers and floating IPs need from an external network: its id, its name (floating IP
 * pools are named) and, when the stack owns it, the subnet addresses come from, so they can
 * depend on it for destroy order.
 */
export interface IExternalNetwork {
  /** Network id as a Terraform reference. */
  readonly id: string;
  /** Name as the cloud knows it. */
  readonly name: string;
  /** The subnet gateway and floating addresses are taken from, when this stack manages it. */
  readonly addressSubnet?: ITerraformDependable;
}

/**
 * An external network that exists already (made by another stack or by Packstack), found by
 * name at plan time.
 */
export class ExistingExternalNetwork extends Construct implements IExternalNetwork {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackNetworkingNetworkV2;
  readonly addressSubnet?: ITerraformDependable = undefined;

  constructor(scope: Construct, id: string, props: { readonly name: string }) {
    super(scope, id);
    this.lookup = new DataOpenstackNetworkingNetworkV2(this, "network", { name: props.name, external: true });
  }

  /** Network id, read at plan time. */
  get id(): string {
    return this.lookup.id;
  }

  get name(): string {
    return this.lookup.name;
  }
}
