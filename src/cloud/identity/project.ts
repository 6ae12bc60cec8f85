import { Construct } from "../../cdktf";
import { IdentityProjectV3 } from "../provider";
import { addProblem } from "../validation";
import { ImportedProject } from "../imported";
import type { IDomain, IProject } from "../interfaces";
import { QuotaSet, type ProjectQuotas, type QuotaFill } from "./quotas";
import { grantOn, type Grant, type IPrincipal, type RoleRef } from "./role";

/** Props of {@link Project}. */
export interface ProjectProps {
  /** Project name, unique in its domain. */
  readonly name: string;
  /** @default the provider's default domain (`default`) */
  readonly domain?: IDomain;
  /** @default none */
  readonly description?: string;
  /** @default true */
  readonly enabled?: boolean;
  /** @default [] */
  readonly tags?: readonly string[];
  /** @default none: the cloud's default quotas apply */
  readonly quotas?: ProjectQuotas;
  /** How partly given quotas are completed; see {@link QuotaFill}. @default "openstack-defaults" */
  readonly quotaFill?: QuotaFill;
}

/** A Keystone project with optional quotas and a readable grant API. */
export class Project extends Construct implements IProject {
  /** A project the cloud has, by name (in `domain`, else the default domain). */
  static fromName(scope: Construct, id: string, name: string, options: { readonly domain?: IDomain } = {}): IProject {
    return new ImportedProject(scope, id, { name }, options);
  }

  /** A project the cloud has, by id. */
  static fromId(scope: Construct, id: string, projectId: string): IProject {
    return new ImportedProject(scope, id, { id: projectId });
  }

  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: IdentityProjectV3;
  /** Name as the cloud knows it. */
  readonly name: string;
  /** The domain it is in, when given. */
  readonly domain?: IDomain;
  /** Its quotas, when given. */
  readonly quotas?: QuotaSet;
  /** Role assignments made on it, in order. */
  readonly grants: Grant[] = [];

  constructor(scope: Construct, id: string, props: ProjectProps) {
    super(scope, id);
    if (props.name.trim() === "") addProblem(this, "project name is empty");
    this.name = props.name;
    this.domain = props.domain;
    this.resource = new IdentityProjectV3(this, "project", {
      name: props.name,
      description: props.description,
      domainId: props.domain?.id,
      enabled: props.enabled ?? true,
      tags: props.tags && props.tags.length > 0 ? [...props.tags] : undefined,
    });
    if (props.quotas) {
      this.quotas = new QuotaSet(this, "quotas", {
        projectId: this.resource.id,
        quotas: props.quotas,
        fill: props.quotaFill,
      });
    }
  }

  get id(): string {
    return this.resource.id;
  }

  get ownershipKey(): string {
    return this.node.addr;
  }

  /** Gives `principal` the role on this project: `project.grant(user, "admin")`. */
  grant(principal: IPrincipal, role: RoleRef): Grant {
    const grant = grantOn(this, { projectId: this.id }, principal, role);
    this.grants.push(grant);
    return grant;
  }
}
