import { Construct } from "../../cdktf";
import { IdentityProjectV3 } from "../provider";
import { ImportedDomain } from "../imported";
import type { IDomain } from "../interfaces";
import { addProblem } from "../validation";
import { grantOn, type Grant, type IPrincipal, type RoleRef } from "./role";

/** Props of {@link Domain}. */
export interface DomainProps {
  /** Domain name, unique in Keystone. */
  readonly name: string;
  /** @default none */
  readonly description?: string;
  /** @default true */
  readonly enabled?: boolean;
}

/**
 * A Keystone domain. The provider has no domain resource: Keystone treats a domain as a
 * project with `is_domain`, which openstack_identity_project_v3 can create.
 */
export class Domain extends Construct implements IDomain {
  /** A domain the cloud has, by name. */
  static fromName(scope: Construct, id: string, name: string): IDomain {
    return new ImportedDomain(scope, id, { name });
  }

  /** A domain the cloud has, by id (`default` is Keystone's default domain). */
  static fromId(scope: Construct, id: string, domainId: string): IDomain {
    return new ImportedDomain(scope, id, { id: domainId });
  }

  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: IdentityProjectV3;
  /** Name as the cloud knows it. */
  readonly name: string;
  /** Role assignments made on it, in order. */
  readonly grants: Grant[] = [];

  constructor(scope: Construct, id: string, props: DomainProps) {
    super(scope, id);
    if (props.name.trim() === "") addProblem(this, "domain name is empty");
    this.name = props.name;
    this.resource = new IdentityProjectV3(this, "domain", {
      name: props.name,
      description: props.description,
      enabled: props.enabled ?? true,
      isDomain: true,
    });
  }

  get id(): string {
    return this.resource.id;
  }

  /** Gives `principal` the role on the whole domain: `domain.grant(group, "reader")`. */
  grant(principal: IPrincipal, role: RoleRef): Grant {
    const grant = grantOn(this, { domainId: this.id }, principal, role);
    this.grants.push(grant);
    return grant;
  }
}
