import type { IConstruct, ITerraformDependable } from "../cdktf";

/**
 * What constructs accept from each other: implemented both by the constructs that create a
 * resource and by the importers that reference one the cloud has already (`fromName`,
 * `fromId`, through the provider's data sources). Anything that takes a network takes an
 * imported one too.
 */

/** A resource the cloud knows by id and name. */
export interface IResource extends IConstruct {
  /** Id as a Terraform reference (known at plan or apply time). */
  readonly id: string;
  /** Name as the cloud knows it. */
  readonly name: string;
}

export interface IDomain extends IResource {}

export interface IProject extends IResource {
  /**
   * Identity of the project for ownership checks at synth: the construct address for a project
   * of the app, `id:<id>` or `name:<domain>/<name>` for an imported one.
   */
  readonly ownershipKey: string;
}

/** Something that lives in a project: networks, subnets, routers, security groups, servers… */
export interface IProjectScoped {
  /** The owning project. @default undefined: the project of the stack's credentials */
  readonly project?: IProject;
}

export interface IUser extends IResource {
  /** Always `user`, for role assignments. */
  readonly kind: "user";
}

export interface IRole extends IResource {}

export interface IGroup extends IResource {
  /** Always `group`, for role assignments. */
  readonly kind: "group";
}

export interface ISubnet extends IResource {
  /** Id of its network. */
  readonly networkId: string;
}

export interface INetwork extends IResource, IProjectScoped {
  /** The subnet ports and router interfaces use. @default undefined for a network imported without one */
  readonly subnet?: ISubnet;
  /** Shared with every project (ports of other projects may join it). */
  readonly shared?: boolean;
  /**
   * Router interfaces this app made on the network's subnet; floating IP associations on its
   * ports depend on them (see FloatingIp). Empty for an imported network.
   */
  readonly routerInterfaces: ITerraformDependable[];
}

export interface IRouter extends IResource, IProjectScoped {}

export interface ISecurityGroup extends IResource, IProjectScoped {}

export interface IImage extends IResource {}

export interface IFlavor extends IResource {}

/** A Nova keypair: made here or imported; servers take its name. */
export interface IKeypair extends IConstruct {
  /** Name as the cloud knows it. */
  readonly name: string;
}

/** A Cinder volume type: made here or imported; volumes take its name. */
export interface IVolumeType extends IConstruct {
  /** Name as the cloud knows it. */
  readonly name: string;
}

export interface IServerGroup extends IResource {}

export interface IVolume extends IResource, IProjectScoped {}

/** A Neutron port made outside the stack, for a server to boot on. */
export interface IPort extends IResource, IProjectScoped {
  /** Id of its network. */
  readonly networkId: string;
}
