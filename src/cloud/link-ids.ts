import { createHash } from "node:crypto";
import type { Construct, IConstruct } from "../cdktf";

/** One end of a link: a construct of the stack, or something the cloud has already, by name or id. */
export type LinkEnd = IConstruct | { readonly outside: string };

/** The construct id of a link, and whether `scope` made that same link before. */
export interface LinkId {
  readonly id: string;
  readonly exists: boolean;
}

const linksByScope = new WeakMap<Construct, Map<string, string>>();

/**
 * The construct id for a child of `scope` that links it to other things: a role assignment,
 * a group membership, flavor access, a router interface, a role lookup.
 *
 * A link is told apart by the identity of its ends (construct addresses), never by their names:
 * two users named alice in different domains are two principals, and networks named `a-b` and
 * `a_b` are two networks although both become the identifier `a_b`. The id itself is still
 * `readable`, made of names, so a plan reads like what it does (`grant-user-ahmed-admin`); only
 * a different link whose readable id is taken already gets a short hash of its ends appended.
 */
export function linkId(scope: Construct, readable: string, ...ends: readonly LinkEnd[]): LinkId {
  const key = ends.map((end) => ("outside" in end ? `outside:${end.outside}` : end.node.addr)).join("|");
  let links = linksByScope.get(scope);
  if (!links) linksByScope.set(scope, (links = new Map()));
  const known = links.get(key);
  if (known !== undefined) return { id: known, exists: true };
  const id = scope.node.tryFindChild(readable)
    ? `${readable}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`
    : readable;
  links.set(key, id);
  return { id, exists: false };
}
