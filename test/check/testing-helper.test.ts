import { describe, expect, it } from "vitest";
import { TerraformResource, Testing, type TerraformStack } from "../../src/cdktf";
import { addSchemaValidation, expectStackMatchesSchema } from "../../src/cloud/check";
import { LabBasicsStack } from "../../stacks/lab-basics";
import { fixtureStack, miniSchema } from "./helpers";

function routerOf(stack: TerraformStack): TerraformResource {
  const router = stack.node.findAll().find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === "openstack_networking_router_v2");
  if (!router) throw new Error("lab-basics has no router");
  return router;
}

describe("expectStackMatchesSchema, for construct tests", () => {
  it("passes on Testing.synth output of a real stack, checked against the committed schema", () => {
    const stack = new LabBasicsStack(Testing.app(), "lab-basics", {});
    expect(expectStackMatchesSchema(Testing.synth(stack))).toEqual([]);
    expect(expectStackMatchesSchema(stack)).toEqual([]);
  });

  it("given the stack itself, names the construct path of each finding", () => {
    const stack = new LabBasicsStack(Testing.app(), "lab-basics", {});
    const router = routerOf(stack);
    router.addOverride("enable_snat", "sometimes");
    expect(() => expectStackMatchesSchema(stack)).toThrow(
      new RegExp(`cdk\\.tf\\.json: lab-basics openstack_networking_router_v2\\.\\S+ \\(${router.node.path}\\): enable_snat: expected bool, got the string "sometimes"`),
    );
  });

  it("addSchemaValidation makes synth fail on a stack that does not match", () => {
    const stack = new LabBasicsStack(Testing.app(), "lab-basics", {});
    addSchemaValidation(stack);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const router = routerOf(stack);
    router.addOverride("external_gateway_info", { network_id: "x" });
    expect(() => Testing.synth(stack, true)).toThrow(/external_gateway_info: unknown block "external_gateway_info"/);
  });

  it("throws with every error as a line when the stack does not match", () => {
    const broken = fixtureStack("good");
    broken.resource.openstack_compute_keypair_v2.kp.fingerprint = "aa:bb";
    broken.resource.openstack_networking_subnet_v2.tenant.network_id = "${openstack_networking_network_v2.nope.id}";
    expect(() => expectStackMatchesSchema(JSON.stringify(broken), { schema: miniSchema })).toThrow(
      [
        "synthesized stack does not match the provider schema (2 finding(s)):",
        'cdk.tf.json: good openstack_networking_subnet_v2.tenant (good/net/tenant-subnet): network_id: openstack_networking_network_v2.nope.id: no openstack_networking_network_v2 resource named "nope"; declared: ext, tenant',
        'cdk.tf.json: good openstack_compute_keypair_v2.kp (good/app/keypair): fingerprint: "fingerprint" is computed by the provider and cannot be set',
      ].join("\n"),
    );
  });

  it("lets warnings through unless asked to fail on them", () => {
    const stack = fixtureStack("good");
    stack.resource.openstack_networking_network_v2.tenant.tenant_id = "abc";
    expect(expectStackMatchesSchema(stack, { schema: miniSchema })).toMatchObject([{ severity: "warning", rule: "deprecated", attributePath: "tenant_id" }]);
    expect(() => expectStackMatchesSchema(stack, { schema: miniSchema, failOnWarnings: true })).toThrow(/tenant_id: warning: "tenant_id" is deprecated/);
  });
});
