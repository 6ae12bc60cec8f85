import { describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "../../src/cdktf";
import { Domain, Flavor, Group, OpenStackCloud, Project, Router, TenantNetwork, User } from "../../src/cloud";
import { referencedName, resourcesOf, synth, problemsAfter } from "./synth";

function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "links");
  new OpenStackCloud(stack, "cloud", { cloud: "lab" });
  return stack;
}

/** Logical names of the resources of `type` that `expressions` reference, in order. */
function referenced(expressions: unknown[], type: string): (string | undefined)[] {
  return expressions.map((e) => referencedName(e, type));
}

describe("links between constructs are told apart by construct, not by name", () => {
  it("grants one role on one project to two users named alike in different domains", () => {
    const stack = newStack();
    const [d1, d2] = [new Domain(stack, "d1", { name: "d1" }), new Domain(stack, "d2", { name: "d2" })];
    const project = new Project(stack, "p", { name: "p" });
    const alice1 = new User(stack, "alice-d1", { name: "alice", domain: d1, password: { from: "variable", variableName: "alice_d1" } });
    const alice2 = new User(stack, "alice-d2", { name: "alice", domain: d2, password: { from: "variable", variableName: "alice_d2" } });
    project.grant(alice1, "member");
    project.grant(alice2, "member");

    const assignments = resourcesOf(synth(stack), "openstack_identity_role_assignment_v3").map(([, a]) => a);
    const users = referenced(assignments.map((a) => a.user_id), "openstack_identity_user_v3");
    expect(users).toHaveLength(2);
    expect(new Set(users).size).toBe(2);
    expect(project.grants.map((g) => g.principal)).toEqual([alice1, alice2]);
    expect(problemsAfter(() => project.grant(alice2, "member"))).toMatch(/links\/p: user alice is granted role member twice/);
  });

  it("grants to principals the cloud has already, told apart by id", () => {
    const stack = newStack();
    const project = new Project(stack, "p", { name: "p" });
    const existing = (id: string) => ({ kind: "user", id, name: "carol" }) as const;
    project.grant(existing("id-1"), "reader");
    project.grant(existing("id-2"), "reader");
    const assignments = resourcesOf(synth(stack), "openstack_identity_role_assignment_v3").map(([, a]) => a.user_id);
    expect(assignments.sort()).toEqual(["id-1", "id-2"]);
    expect(problemsAfter(() => project.grant(existing("id-1"), "reader"))).toMatch(/links\/p: user carol is granted role reader twice/);
  });

  it("looks up roles whose names make the same identifier separately", () => {
    const stack = newStack();
    const project = new Project(stack, "p", { name: "p" });
    const bob = new User(stack, "bob", { name: "bob" });
    project.grant(bob, "load-balancer_member");
    project.grant(bob, "load_balancer_member");

    const out = synth(stack);
    const lookups = out.json.data?.openstack_identity_role_v3 ?? {};
    expect(Object.values(lookups).map((l) => l.name).sort()).toEqual(["load-balancer_member", "load_balancer_member"]);
    const roleOf = (key: string | undefined) => lookups[key ?? ""]?.name;
    const assigned = resourcesOf(out, "openstack_identity_role_assignment_v3").map(([, a]) => roleOf(referencedName(a.role_id, "openstack_identity_role_v3")));
    expect(assigned.sort()).toEqual(["load-balancer_member", "load_balancer_member"]);
  });

  it("adds two users named alike to one group, and refuses the same user twice", () => {
    const stack = newStack();
    const [d1, d2] = [new Domain(stack, "d1", { name: "d1" }), new Domain(stack, "d2", { name: "d2" })];
    const alice1 = new User(stack, "alice-d1", { name: "alice", domain: d1, password: { from: "none" } });
    const alice2 = new User(stack, "alice-d2", { name: "alice", domain: d2, password: { from: "none" } });
    const group = new Group(stack, "g", { name: "g", members: [alice1, alice2] });

    const members = resourcesOf(synth(stack), "openstack_identity_user_membership_v3").map(([, m]) => m.user_id);
    expect(new Set(referenced(members, "openstack_identity_user_v3")).size).toBe(2);
    expect(problemsAfter(() => group.addMember(alice1))).toMatch(/links\/g: user alice is added to group g twice/);
  });

  it("gives flavor access to two projects named alike, and refuses the same project twice", () => {
    const stack = newStack();
    const [d1, d2] = [new Domain(stack, "d1", { name: "d1" }), new Domain(stack, "d2", { name: "d2" })];
    const p1 = new Project(stack, "p-d1", { name: "p", domain: d1 });
    const p2 = new Project(stack, "p-d2", { name: "p", domain: d2 });
    const flavor = new Flavor(stack, "f", { name: "f", vcpus: 1, ramMb: 512, diskGb: 1, isPublic: false, projects: [p1, p2] });

    const tenants = resourcesOf(synth(stack), "openstack_compute_flavor_access_v2").map(([, a]) => a.tenant_id);
    expect(new Set(referenced(tenants, "openstack_identity_project_v3")).size).toBe(2);
    expect(problemsAfter(() => flavor.grantAccess(p1))).toMatch(/links\/f: project p is given access to flavor f twice/);
  });

  it("attaches two networks named alike to one router, and refuses the same network twice", () => {
    const stack = newStack();
    const a = new TenantNetwork(stack, "app-a", { name: "app", cidr: "10.0.1.0/24" });
    const b = new TenantNetwork(stack, "app-b", { name: "app", cidr: "10.0.2.0/24" });
    const router = new Router(stack, "r", { name: "r", interfaces: [a, b] });

    const subnets = resourcesOf(synth(stack), "openstack_networking_router_interface_v2").map(([, i]) => i.subnet_id);
    expect(new Set(referenced(subnets, "openstack_networking_subnet_v2")).size).toBe(2);
    expect(a.routerInterfaces).toHaveLength(1);
    expect(b.routerInterfaces).toHaveLength(1);
    expect(problemsAfter(() => router.addInterface(b))).toMatch(/links\/r: network app is attached twice/);
  });
});
