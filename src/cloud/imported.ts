import { Construct, type ITerraformDependable } from "../cdktf";
import type {
  IDomain,
  IFlavor,
  IGroup,
  IImage,
  IKeypair,
  IPort,
  IRole,
  INetwork,
  IProject,
  IRouter,
  ISecurityGroup,
  IServerGroup,
  ISubnet,
  IUser,
  IVolumeType,
} from "./interfaces";
import {
  DataOpenstackComputeFlavorV2,
  DataOpenstackComputeKeypairV2,
  DataOpenstackComputeServergroupV2,
  DataOpenstackIdentityGroupV3,
  DataOpenstackIdentityProjectV3,
  DataOpenstackIdentityRoleV3,
  DataOpenstackIdentityUserV3,
  DataOpenstackImagesImageV2,
  DataOpenstackNetworkingNetworkV2,
  DataOpenstackNetworkingPortV2,
  DataOpenstackNetworkingRouterV2,
  DataOpenstackNetworkingSecgroupV2,
  DataOpenstackNetworkingSubnetV2,
} from "./provider";

/**
 * Importers: constructs that reference a resource the cloud has already (made by another stack,
 * by Packstack or by hand) through the provider's data sources, so Terraform checks at plan
 * time that it exists and reads its id. Each implements the same `I*` interface as the
 * construct that creates such a resource, and is accepted wherever that one is. Reach them
 * through the created constructs' static methods: `TenantNetwork.fromName(this, "net", "app-net")`.
 */

/** A lookup key: the resource's name, or its id. */
export type Lookup = { readonly name: string } | { readonly id: string };

/** What a project-scoped lookup may add: the project to search in, which also becomes the owner for ownership checks. */
export interface ScopedLookupOptions {
  /** @default any project the credentials see */
  readonly project?: IProject;
}

export interface NetworkLookupOptions extends ScopedLookupOptions {
  /** The subnet ports and router interfaces use, by name or id. @default none: ports get an address from any subnet, and routers cannot attach */
  readonly subnet?: Lookup;
  /** Whether the network is shared with every project (declared, for ownership checks). @default false */
  readonly shared?: boolean;
}

export class ImportedSubnet extends Construct implements ISubnet {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackNetworkingSubnetV2;
  constructor(scope: Construct, id: string, by: Lookup, options: { readonly networkId?: string } & ScopedLookupOptions = {}) {
    super(scope, id);
    this.lookup = new DataOpenstackNetworkingSubnetV2(this, "subnet", {
      ...("id" in by ? { subnetId: by.id } : { name: by.name }),
      networkId: options.networkId,
      tenantId: options.project?.id,
    });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
  /** Id of its network, read at plan time. */
  get networkId(): string {
    return this.lookup.networkId;
  }
}

export class ImportedNetwork extends Construct implements INetwork {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackNetworkingNetworkV2;
  readonly subnet?: ImportedSubnet;
  readonly project?: IProject;
  readonly shared: boolean;
  readonly routerInterfaces: ITerraformDependable[] = [];
  constructor(scope: Construct, id: string, by: Lookup, options: NetworkLookupOptions = {}) {
    super(scope, id);
    this.project = options.project;
    this.shared = options.shared ?? false;
    this.lookup = new DataOpenstackNetworkingNetworkV2(this, "network", {
      ...("id" in by ? { networkId: by.id } : { name: by.name }),
      tenantId: options.project?.id,
    });
    if (options.subnet) this.subnet = new ImportedSubnet(this, "subnet", options.subnet, { networkId: this.lookup.id });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
}

export class ImportedRouter extends Construct implements IRouter {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackNetworkingRouterV2;
  readonly project?: IProject;
  constructor(scope: Construct, id: string, by: Lookup, options: ScopedLookupOptions = {}) {
    super(scope, id);
    this.project = options.project;
    this.lookup = new DataOpenstackNetworkingRouterV2(this, "router", {
      ...("id" in by ? { routerId: by.id } : { name: by.name }),
      tenantId: options.project?.id,
    });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
}

export class ImportedSecurityGroup extends Construct implements ISecurityGroup {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackNetworkingSecgroupV2;
  readonly project?: IProject;
  constructor(scope: Construct, id: string, by: Lookup, options: ScopedLookupOptions = {}) {
    super(scope, id);
    this.project = options.project;
    this.lookup = new DataOpenstackNetworkingSecgroupV2(this, "group", {
      ...("id" in by ? { secgroupId: by.id } : { name: by.name }),
      tenantId: options.project?.id,
    });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
}

/**
 * An image by name (the most recent one of that name) or by id. Glance's data source has no id
 * filter, so an id is taken as is, without a lookup.
 */
export class ImportedImage extends Construct implements IImage {
  /** The provider data source that finds it at plan time. */
  readonly lookup?: DataOpenstackImagesImageV2;
  private readonly given?: string;
  constructor(scope: Construct, id: string, by: Lookup) {
    super(scope, id);
    if ("id" in by) this.given = by.id;
    else this.lookup = new DataOpenstackImagesImageV2(this, "image", { name: by.name, mostRecent: true });
  }
  get id(): string {
    return this.lookup ? this.lookup.id : this.given!;
  }
  get name(): string {
    return this.lookup ? this.lookup.name : this.given!;
  }
}

export class ImportedFlavor extends Construct implements IFlavor {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackComputeFlavorV2;
  constructor(scope: Construct, id: string, by: Lookup) {
    super(scope, id);
    this.lookup = new DataOpenstackComputeFlavorV2(this, "flavor", "id" in by ? { flavorId: by.id } : { name: by.name });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
}

export class ImportedProject extends Construct implements IProject {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackIdentityProjectV3;
  readonly ownershipKey: string;
  constructor(scope: Construct, id: string, by: Lookup, options: { readonly domain?: IDomain } = {}) {
    super(scope, id);
    this.ownershipKey = "id" in by ? `id:${by.id}` : `name:${options.domain?.node.addr ?? "default"}/${by.name}`;
    this.lookup = new DataOpenstackIdentityProjectV3(this, "project", {
      ...("id" in by ? { projectId: by.id } : { name: by.name }),
      domainId: options.domain?.id,
    });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
}

/** Keystone domains are projects with `is_domain`, which is how the provider looks them up. */
export class ImportedDomain extends Construct implements IDomain {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackIdentityProjectV3;
  constructor(scope: Construct, id: string, by: Lookup) {
    super(scope, id);
    // The provider refuses project_id together with is_domain: a domain's id is enough.
    this.lookup = new DataOpenstackIdentityProjectV3(this, "domain", "id" in by ? { projectId: by.id } : { name: by.name, isDomain: true });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
}

/** A user by name (in a domain). Keystone's user data source has no id filter: an id is taken as is. */
export class ImportedUser extends Construct implements IUser {
  /** What kind of principal this is, for role assignments. */
  readonly kind = "user" as const;
  /** The provider data source that finds it at plan time. */
  readonly lookup?: DataOpenstackIdentityUserV3;
  private readonly given?: string;
  constructor(scope: Construct, id: string, by: Lookup, options: { readonly domain?: IDomain } = {}) {
    super(scope, id);
    if ("id" in by) this.given = by.id;
    else this.lookup = new DataOpenstackIdentityUserV3(this, "user", { name: by.name, domainId: options.domain?.id });
  }
  get id(): string {
    return this.lookup ? this.lookup.id : this.given!;
  }
  get name(): string {
    return this.lookup ? this.lookup.name : this.given!;
  }
}

export class ImportedGroup extends Construct implements IGroup {
  /** What kind of principal this is, for role assignments. */
  readonly kind = "group" as const;
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackIdentityGroupV3;
  constructor(scope: Construct, id: string, by: { readonly name: string }, options: { readonly domain?: IDomain } = {}) {
    super(scope, id);
    this.lookup = new DataOpenstackIdentityGroupV3(this, "group", { name: by.name, domainId: options.domain?.id });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
}

/** A keypair the cloud has (of the credentials' user), by name. */
export class ImportedKeypair extends Construct implements IKeypair {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackComputeKeypairV2;
  constructor(scope: Construct, id: string, by: { readonly name: string }) {
    super(scope, id);
    this.lookup = new DataOpenstackComputeKeypairV2(this, "keypair", { name: by.name });
  }
  get name(): string {
    return this.lookup.name;
  }
}

export class ImportedServerGroup extends Construct implements IServerGroup {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackComputeServergroupV2;
  constructor(scope: Construct, id: string, by: { readonly name: string }) {
    super(scope, id);
    this.lookup = new DataOpenstackComputeServergroupV2(this, "server-group", { name: by.name });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
}

/** A port the cloud has (made by hand or another stack, a reserved address say), by name or id. */
export class ImportedPort extends Construct implements IPort {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackNetworkingPortV2;
  readonly project?: IProject;
  constructor(scope: Construct, id: string, by: Lookup, options: ScopedLookupOptions = {}) {
    super(scope, id);
    this.project = options.project;
    this.lookup = new DataOpenstackNetworkingPortV2(this, "port", {
      ...("id" in by ? { portId: by.id } : { name: by.name }),
      projectId: options.project?.id,
    });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
  /** Id of its network, read at plan time. */
  get networkId(): string {
    return this.lookup.networkId;
  }
}

export class ImportedRole extends Construct implements IRole {
  /** The provider data source that finds it at plan time. */
  readonly lookup: DataOpenstackIdentityRoleV3;
  constructor(scope: Construct, id: string, name: string) {
    super(scope, id);
    this.lookup = new DataOpenstackIdentityRoleV3(this, "role", { name });
  }
  get id(): string {
    return this.lookup.id;
  }
  get name(): string {
    return this.lookup.name;
  }
}

/** A volume type by name: the provider has no data source for it, and volumes take the name. */
export class ImportedVolumeType extends Construct implements IVolumeType {
  constructor(
    scope: Construct,
    id: string,
    readonly name: string,
  ) {
    super(scope, id);
  }
}
