import { Construct } from "../../cdktf";
import { IdentityGroupV3, IdentityUserMembershipV3 } from "../provider";
import { linkId } from "../link-ids";
import { identifierFrom, addProblem, readableName } from "../validation";
import { ImportedGroup } from "../imported";
import type { IDomain, IGroup, IUser } from "../interfaces";
import type { IPrincipal } from "./role";

/** Props of {@link Group}. */
export interface GroupProps {
  /** Group name, unique in its domain. */
  readonly name: string;
  /** @default the provider's default domain */
  readonly domain?: IDomain;
  /** @default none */
  readonly description?: string;
  /** @default [] */
  readonly members?: readonly IUser[];
}

/** A Keystone group; grant roles to it like to a user. */
export class Group extends Construct implements IPrincipal, IGroup {
  /** A group the cloud has, by name (in `domain`, else the default domain). */
  static fromName(scope: Construct, id: string, name: string, options: { readonly domain?: IDomain } = {}): IGroup {
    return new ImportedGroup(scope, id, { name }, options);
  }

  /** What kind of principal this is, for role assignments. */
  readonly kind = "group" as const;
  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: IdentityGroupV3;
  /** Name as the cloud knows it. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: GroupProps) {
    super(scope, id);
    if (props.name.trim() === "") addProblem(this, "group name is empty");
    this.name = props.name;
    this.resource = new IdentityGroupV3(this, "group", {
      name: props.name,
      description: props.description,
      domainId: props.domain?.id,
    });
    for (const user of props.members ?? []) this.addMember(user);
  }

  get id(): string {
    return this.resource.id;
  }

  /** Adds a user (of the stack or imported) to the group; adding one twice is a problem. */
  addMember(user: IUser): IdentityUserMembershipV3 {
    const link = linkId(this, `member-${identifierFrom(readableName(user, "id"))}`, user);
    if (link.exists) {
      addProblem(this, `user ${readableName(user)} is added to group ${this.name} twice`);
      return this.node.findChild(link.id) as IdentityUserMembershipV3;
    }
    return new IdentityUserMembershipV3(this, link.id, {
      groupId: this.id,
      userId: user.id,
    });
  }
}
