import { Construct, TerraformStack } from "../../cdktf";
import { DataOpenstackIdentityRoleV3, IdentityRoleAssignmentV3, IdentityRoleV3 } from "../provider";
import { ImportedRole } from "../imported";
import type { IRole } from "../interfaces";
import { linkId } from "../link-ids";
import { identifierFrom, addProblem, readableName } from "../validation";

/**
 * Something that can own a role assignment: a {@link User} or {@link Group} of the stack, or
 * `{ kind, id, name }` for one the cloud has already.
 */
export interface IPrincipal {
  /** User or group. */
  readonly kind: "user" | "group";
  /** Id as a Terraform reference, or as the cloud has it. */
  readonly id: string;
  /** Name as the cloud knows it, for readable construct ids. */
  readonly name: string;
}

/** A role to grant: a {@link Role} made here, or the name of one the cloud has (`admin`, `member`, `reader`). */
export type RoleRef = IRole | string;

/** Props of {@link Role}. */
export interface RoleProps {
  /** Role name, unique in Keystone (or in its domain). */
  readonly name: string;
  /** Domain id for a domain-specific role. @default a global role */
  readonly domainId?: string;
}

/** A Keystone role created by the stack. */
export class Role extends Construct implements IRole {
  /** A role the cloud has, by name (a plain string where a {@link RoleRef} is taken does the same). */
  static fromName(scope: Construct, id: string, name: string): IRole {
    return new ImportedRole(scope, id, name);
  }

  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: IdentityRoleV3;
  /** Name as the cloud knows it. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id);
    if (props.name.trim() === "") addProblem(this, "role name is empty");
    this.name = props.name;
    this.resource = new IdentityRoleV3(this, "role", { name: props.name, domainId: props.domainId });
  }

  get id(): string {
    return this.resource.id;
  }
}

/**
 * The id of a role: a {@link Role}'s own, or one data source per role name per stack for roles
 * that exist already (Keystone's `admin`, `member`, `reader`), looked up at plan time.
 */
export function roleId(scope: Construct, role: RoleRef): string {
  if (typeof role !== "string") return role.id;
  if (role.trim() === "") addProblem(scope, "role name is empty");
  const stack = TerraformStack.of(scope);
  const lookupsId = "openstack-role-lookups";
  const lookups = (stack.node.tryFindChild(lookupsId) as Construct | undefined) ?? new Construct(stack, lookupsId);
  const lookup = linkId(lookups, identifierFrom(role), { outside: role });
  if (lookup.exists) return (lookups.node.findChild(lookup.id) as DataOpenstackIdentityRoleV3).id;
  return new DataOpenstackIdentityRoleV3(lookups, lookup.id, { name: role }).id;
}

/** A role assignment as recorded on its target, for reading back what a stack grants. */
export interface Grant {
  /** Who gets the role. */
  readonly principal: IPrincipal;
  /** The role's name. */
  readonly role: string;
  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: IdentityRoleAssignmentV3;
}

/**
 * Creates the role assignment of `principal` on a project or domain, inside `target`'s scope
 * with an id naming principal and role (`grant-user-ahmed-admin`), so plans read like the
 * matrix they implement. Granting the same principal the same role twice is a problem; principals
 * are told apart by construct, not by name (see `linkId` in src/cloud/link-ids.ts).
 */
export function grantOn(
  target: Construct,
  on: { readonly projectId: string } | { readonly domainId: string },
  principal: IPrincipal,
  role: RoleRef,
): Grant {
  const roleName = typeof role === "string" ? role : readableName(role);
  const principalName = Construct.isConstruct(principal) ? readableName(principal as IPrincipal & Construct) : principal.name;
  const link = linkId(
    target,
    `grant-${principal.kind}-${identifierFrom(Construct.isConstruct(principal) ? readableName(principal as IPrincipal & Construct, "id") : principal.name)}-${identifierFrom(roleName)}`,
    // A principal made outside the stack (given by id) is told apart by that id.
    Construct.isConstruct(principal) ? principal : { outside: `${principal.kind} ${principal.id}` },
    typeof role === "string" ? { outside: `role ${role}` } : role,
  );
  if (link.exists) {
    addProblem(target, `${principal.kind} ${principalName} is granted role ${roleName} twice`);
    return { principal, role: roleName, resource: target.node.findChild(link.id) as IdentityRoleAssignmentV3 };
  }
  const resource = new IdentityRoleAssignmentV3(target, link.id, {
    ...on,
    roleId: roleId(target, role),
    ...(principal.kind === "user" ? { userId: principal.id } : { groupId: principal.id }),
  });
  return { principal, role: roleName, resource };
}
