import { describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "../../src/cdktf";
import { Domain, Group, OpenStackCloud, Project, Role, User } from "../../src/cloud";
import { IdentityStack } from "../../stacks/identity";
import { referencedName, resourcesOf, synth, type SynthesizedStack, problemsAfter } from "./synth";

/** Every role assignment of a stack as "user@target:role", with names resolved through references. */
function assignmentMatrix(out: SynthesizedStack): string[] {
  const names = (type: string, data = false): Map<string, string> => {
    const source = data ? out.json.data?.[type] : out.json.resource?.[type];
    return new Map(Object.entries(source ?? {}).map(([key, config]) => [key, String(config.name)]));
  };
  const projects = names("openstack_identity_project_v3");
  const users = names("openstack_identity_user_v3");
  const groups = names("openstack_identity_group_v3");
  const lookedUpRoles = names("openstack_identity_role_v3", true);
  const createdRoles = names("openstack_identity_role_v3");
  return resourcesOf(out, "openstack_identity_role_assignment_v3")
    .map(([, a]) => {
      const target = a.project_id ?? a.domain_id;
      const targetName = projects.get(referencedName(target, "openstack_identity_project_v3") ?? "");
      const principal = a.user_id
        ? `user:${users.get(referencedName(a.user_id, "openstack_identity_user_v3") ?? "")}`
        : `group:${groups.get(referencedName(a.group_id, "openstack_identity_group_v3") ?? "")}`;
      const roleKey = referencedName(a.role_id, "openstack_identity_role_v3") ?? "";
      const role = lookedUpRoles.get(roleKey) ?? createdRoles.get(roleKey);
      return `${principal}@${a.project_id ? "project" : "domain"}:${targetName}:${role}`;
    })
    .sort();
}

describe("identity stack", () => {
  const stack = new IdentityStack(Testing.app(), "identity");
  const out = synth(stack);

  it("grants exactly ahmed admin on X, member on Y, and ali admin on Z", () => {
    expect(assignmentMatrix(out)).toEqual([
      "user:ahmed@project:X:admin",
      "user:ahmed@project:Y:member",
      "user:ali@project:Z:admin",
    ]);
    const matrix = assignmentMatrix(out);
    expect(matrix.filter((a) => a.includes("@project:Z:") && a.startsWith("user:ahmed"))).toEqual([]);
    expect(matrix.filter((a) => a.startsWith("user:ali") && !a.includes(":Z:"))).toEqual([]);
  });

  it("puts the projects and users in the example domain", () => {
    const domains = resourcesOf(out, "openstack_identity_project_v3").filter(([, p]) => p.is_domain === true);
    expect(domains.map(([, d]) => d.name)).toEqual(["example"]);
    const domainKey = domains[0]![0];
    for (const [, project] of resourcesOf(out, "openstack_identity_project_v3").filter(([, p]) => p.is_domain !== true)) {
      expect(referencedName(project.domain_id, "openstack_identity_project_v3")).toBe(domainKey);
    }
    for (const [, user] of resourcesOf(out, "openstack_identity_user_v3")) {
      expect(referencedName(user.domain_id, "openstack_identity_project_v3")).toBe(domainKey);
    }
  });

  it("looks each built-in role up once", () => {
    const lookups = Object.values(out.json.data?.openstack_identity_role_v3 ?? {}).map((d) => d.name);
    expect(lookups.sort()).toEqual(["admin", "member"]);
  });
});

describe("grant API", () => {
  it("grants to groups on domains, custom roles, and refuses a duplicate grant with the path", () => {
    const stack = new TerraformStack(Testing.app(), "grants");
    new OpenStackCloud(stack, "cloud", { cloud: "lab" });
    const domain = new Domain(stack, "domain", { name: "d" });
    const auditors = new Group(stack, "auditors", { name: "auditors", domain });
    const operator = new Role(stack, "operator", { name: "operator" });
    const project = new Project(stack, "p", { name: "p", domain });
    const bob = new User(stack, "bob", { name: "bob", domain });
    auditors.addMember(bob);
    domain.grant(auditors, "reader");
    project.grant(bob, operator);
    expect(assignmentMatrix(synth(stack))).toEqual(["group:auditors@domain:d:reader", "user:bob@project:p:operator"]);
    expect(project.grants.map((g) => `${g.principal.name}:${g.role}`)).toEqual(["bob:operator"]);
    expect(problemsAfter(() => project.grant(bob, operator))).toMatch(/grants\/p: user bob is granted role operator twice/);
  });
});
