import { TerraformStack, type IConstruct } from "../cdktf";
import { OpenStackCloud } from "./cloud";
import type { IProject, IProjectScoped, IResource } from "./interfaces";
import { readableName } from "./validation";

/**
 * Ownership of project-scoped resources, checked at synth. A server, a port or a router
 * interface lives in one project; Neutron refuses a port of project B on a network of project A
 * unless the network is shared, and Nova puts a server in the project of the credentials. So a
 * stack where the network belongs to project A and the server is made elsewhere would fail at
 * apply: say so at synth instead.
 */

/** The project a resource made in `scope` lands in: its own, else the one its stack's cloud declares. */
export function owningProject(scope: IConstruct, own: IProject | undefined): IProject | undefined {
  if (own) return own;
  const stack = TerraformStack.of(scope);
  return OpenStackCloud.all(stack).find((c) => c.project !== undefined)?.project;
}

/** A resource `user` depends on, with what it is for messages (`network`, `security group`). */
export interface Use {
  /** What the resource is, for messages (`network`, `security group`). */
  readonly kind: string;
  /** The resource used. */
  readonly resource: IResource & IProjectScoped & { readonly shared?: boolean };
}

/**
 * Why `user` (made in `owner`, undefined for the credentials' project) cannot use each resource
 * of another project that is not shared.
 */
export function ownershipProblems(user: { readonly what: string; readonly owner: IProject | undefined }, uses: readonly Use[]): string[] {
  const problems: string[] = [];
  for (const { kind, resource } of uses) {
    const theirs = resource.project;
    if (!theirs || resource.shared) continue;
    if (user.owner && user.owner.ownershipKey === theirs.ownershipKey) continue;
    const where = user.owner ? `in project ${readableName(user.owner)}` : "in the project of the stack's credentials";
    problems.push(
      `${user.what} is created ${where}, but ${kind} ${readableName(resource)} belongs to project ${readableName(theirs)} and is not shared; ` +
        `create it in project ${readableName(theirs)} (project: …, with credentials scoped there) or share the ${kind}`,
    );
  }
  return problems;
}
