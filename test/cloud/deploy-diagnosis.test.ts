// One line per deploy failure, naming stack, resource (and construct) and what to do.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnoseDeploy, formatDeployProblem } from "../../src/cloud/deploy-diagnosis";

/** A terraform diagnostic as cdktf prints it for a stack: the first line carries the stack's name. */
function framed(stack: string, error: string, address?: string, detail: string[] = []): string {
  const pad = " ".repeat(stack.length + 2);
  return [
    `${pad}╷`,
    `${stack}  │ Error: ${error}`,
    `${pad}│ `,
    ...(address ? [`${pad}│   with ${address},`, `${pad}│   on cdk.tf.json line 12, in resource:`] : []),
    ...detail.map((line) => `${pad}│ ${line}`),
    `${pad}╵`,
  ].join("\n");
}

describe("diagnoseDeploy", () => {
  it("an unreachable auth URL, as cdktf deploy printed it (captured): one line for the stack, however many resources failed", () => {
    const output = readFileSync(join(__dirname, "fixtures", "deploy-unreachable.txt"), "utf8");
    const problems = diagnoseDeploy(output, { cloudEntry: "all-in-one", cloudsYaml: "/tmp/clouds.yaml" });
    expect(problems.map(formatDeployProblem)).toEqual([
      "deploy identity: data.openstack_identity_role_v3.openstack-role-lookups_admin_380435D6 (openstack-role-lookups/admin): cannot reach http://127.0.0.1:9 (connection refused); check auth_url of clouds.yaml entry all-in-one in /tmp/clouds.yaml and that the cloud is up, then deploy again",
    ]);
  });

  it("a refused login, as cdktf deploy printed it under CI (captured: no frames, the diagnostic indented)", () => {
    const output = readFileSync(join(__dirname, "fixtures", "deploy-wrong-password-ci.txt"), "utf8");
    expect(diagnoseDeploy(output, { cloudEntry: "all-in-one" }).map(formatDeployProblem)).toEqual([
      "deploy identity: data.openstack_identity_role_v3.openstack-role-lookups_admin_380435D6 (openstack-role-lookups/admin): the cloud refused the credentials (HTTP 401); check username, password, user domain and project of clouds.yaml entry all-in-one, then deploy again",
    ]);
  });

  it("a refused login", () => {
    const output = framed("lab-basics", "Error creating OpenStack networking client: Authentication failed", "openstack_networking_network_v2.external_network_1 (lab-basics/external/network)");
    expect(diagnoseDeploy(output, { cloudEntry: "lab" }).map(formatDeployProblem)).toEqual([
      "deploy lab-basics: openstack_networking_network_v2.external_network_1 (lab-basics/external/network): the cloud refused the credentials (HTTP 401); check username, password, user domain and project of clouds.yaml entry lab, then deploy again",
    ]);
  });

  it("a quota too small, a service the cloud lacks and a name taken, each at its resource", () => {
    const output = [
      framed("app-template", 'Error creating OpenStack server: Quota exceeded for instances: Requested 1, but already used 10 of 10 instances', "openstack_compute_instance_v2.web_1 (app-template/web/server-1)"),
      framed("app-template", "Error creating OpenStack orchestration client: No suitable endpoint could be found in the service catalog.", "openstack_orchestration_stack_v1.web-heat_stack (app-template/web-heat/stack)"),
      framed("lab-basics", 'Error creating openstack_compute_flavor_v2 m1.tiny: Expected HTTP response code [200] when accessing [POST http://10.0.0.2:8774/v2.1/flavors], but got 409 instead: {"conflictingRequest": {"code": 409, "message": "Flavor with name m1.tiny already exists."}}', "openstack_compute_flavor_v2.flavor-m1-tiny (lab-basics/flavor-m1-tiny/flavor)"),
    ].join("\n");
    expect(diagnoseDeploy(output).map((p) => [p.stack, p.address, p.kind])).toEqual([
      ["app-template", "openstack_compute_instance_v2.web_1", "quota"],
      ["app-template", "openstack_orchestration_stack_v1.web-heat_stack", "missing-service"],
      ["lab-basics", "openstack_compute_flavor_v2.flavor-m1-tiny", "conflict"],
    ]);
    const lines = diagnoseDeploy(output).map(formatDeployProblem);
    expect(lines[0]).toContain("the project's quota is too small (instances)");
    expect(lines[1]).toContain("the cloud has no Heat (orchestration) endpoint; install it (services.heat.enabled: true in the topology)");
  });

  it("a Heat stack that failed to create: says it is outside the state and how to clear it", () => {
    const output = framed("app-template", "Error waiting for openstack_orchestration_stack_v1 5b0c7f3e-1f0a-4d1e-9a55-0c5f8e2d9b11 to become ready: The stack is in error status. Please check with your cloud admin or check the orchestration API logs to see why this error occurred.", "openstack_orchestration_stack_v1.web-heat_stack_9E2A (web-heat/stack)");
    expect(diagnoseDeploy(output).map(formatDeployProblem)).toEqual([
      "deploy app-template: openstack_orchestration_stack_v1.web-heat_stack_9E2A (web-heat/stack): Heat stack 5b0c7f3e-1f0a-4d1e-9a55-0c5f8e2d9b11 failed to create and is not in Terraform's state (provider 3.4.0 records a stack only once it is complete); see why with `openstack stack show 5b0c7f3e-1f0a-4d1e-9a55-0c5f8e2d9b11`, fix that, delete it (`openstack stack delete 5b0c7f3e-1f0a-4d1e-9a55-0c5f8e2d9b11`), then deploy again",
    ]);
  });

  it("a server Nova failed after accepting it: names it and how to read its fault", () => {
    const output = framed("app-template", "Error waiting for instance (8321861a-98bb-421e-aaa2-0d48f94b2b63) to become ready: unexpected state 'ERROR', wanted target 'ACTIVE'. last error: %!s(<nil>)", "openstack_compute_instance_v2.web_server-3_instance_8A47C8DD (web/server-3/instance)");
    expect(diagnoseDeploy(output).map(formatDeployProblem)).toEqual([
      "deploy app-template: openstack_compute_instance_v2.web_server-3_instance_8A47C8DD (web/server-3/instance): server 8321861a-98bb-421e-aaa2-0d48f94b2b63 went to ERROR; see why with `openstack server show 8321861a-98bb-421e-aaa2-0d48f94b2b63 -c fault` (a quota too small, no host with room…), fix that, then deploy again (Terraform replaces the server)",
    ]);
  });

  it("anything else: the error's own summary, still one line", () => {
    const output = framed("identity", "Invalid value", "openstack_identity_user_v3.user-ahmed_user (identity/user-ahmed/user)", ["The name must be unique."]);
    expect(diagnoseDeploy(output).map(formatDeployProblem)).toEqual([
      "deploy identity: openstack_identity_user_v3.user-ahmed_user (identity/user-ahmed/user): Invalid value: The name must be unique.; see the deploy output above",
    ]);
  });
});
