import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runEngine } from "../../src/cloud/engine";
import { initProviderOnly } from "../../src/cloud/provider-schema";
import { engineOrSkip } from "../provider/engine";
import { TerraformStack, Testing } from "../../src/cdktf";
import {
  Domain,
  Flavor,
  Group,
  Image,
  Keypair,
  OpenStackCloud,
  Project,
  Role,
  Router,
  SecurityGroup,
  Server,
  TenantNetwork,
  User,
  VmGroup,
  Volume,
  VolumeType,
  type IProject,
} from "../../src/cloud";
import { expectStackMatchesSchema } from "../../src/cloud/check";
import { onlyResource, problemsAfter, synth, type SynthesizedStack } from "./synth";

function newStack(id: string, project?: (stack: TerraformStack) => IProject): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new OpenStackCloud(stack, "cloud", { cloud: "lab", project: project?.(stack) });
  return stack;
}

const engine = engineOrSkip("test/cloud/imports.test.ts");
let workspace: string | undefined;
afterAll(() => workspace && fs.rmSync(workspace, { recursive: true, force: true }));

/** `terraform validate` with the real provider (one initialized workspace), when the engine is there. */
function expectTerraformValid(out: SynthesizedStack): void {
  if (!engine) return;
  if (!workspace) {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-imports-validate-"));
    initProviderOnly(engine, workspace);
  }
  fs.writeFileSync(path.join(workspace, "main.tf.json"), out.text);
  const run = runEngine(engine, ["validate", "-json", "-no-color"], workspace);
  const verdict = JSON.parse(run.stdout) as { valid: boolean; diagnostics: { severity: string; summary: string; detail?: string }[] };
  expect(verdict.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(verdict.valid).toBe(true);
}

function dataOf(out: SynthesizedStack, type: string): Record<string, unknown>[] {
  return Object.values(out.json.data?.[type] ?? {}).map(({ ["//"]: _meta, ...rest }) => rest);
}

describe("importers: what the cloud has, through the provider's data sources", () => {
  it("looks each kind up by name or id with the data source's own filter, and the stack matches the provider schema", () => {
    const stack = newStack("imports");
    const domain = Domain.fromName(stack, "dom", "example");
    Domain.fromId(stack, "default-dom", "default");
    const project = Project.fromName(stack, "proj", "A", { domain });
    Project.fromId(stack, "proj-by-id", "4a5b6c");
    TenantNetwork.fromName(stack, "net", "app-net", { project, subnet: "app-subnet" });
    TenantNetwork.fromId(stack, "net-by-id", "0f0f");
    Router.fromName(stack, "router", "router1");
    SecurityGroup.fromName(stack, "sg", "default", { project });
    SecurityGroup.fromId(stack, "sg-by-id", "5e5e");
    Image.fromName(stack, "img", "cirros");
    Flavor.fromName(stack, "flavor", "m1.small");
    Flavor.fromId(stack, "flavor-by-id", "42");
    User.fromName(stack, "user", "ahmed", { domain });
    Group.fromName(stack, "group", "auditors");
    Keypair.fromName(stack, "key", "ops");
    Role.fromName(stack, "role", "reader");
    Server.serverGroupFromName(stack, "group-of-servers", "web-anti");
    const out = synth(stack);
    expect(dataOf(out, "openstack_identity_role_v3")).toEqual([{ name: "reader" }]);
    expect(dataOf(out, "openstack_compute_servergroup_v2")).toEqual([{ name: "web-anti" }]);
    expect(dataOf(out, "openstack_identity_project_v3")).toEqual(expect.arrayContaining([
      { name: "example", is_domain: true },
      { project_id: "default" },
      { name: "A", domain_id: expect.stringMatching(/^\$\{data\.openstack_identity_project_v3\.dom_domain_[0-9A-F]+\.id\}$/) },
      { project_id: "4a5b6c" },
    ]));
    expect(dataOf(out, "openstack_identity_project_v3")).toHaveLength(4);
    expect(dataOf(out, "openstack_networking_network_v2")).toEqual([
      { network_id: "0f0f" },
      { name: "app-net", tenant_id: expect.stringMatching(/^\$\{data\.openstack_identity_project_v3\.proj_project_[0-9A-F]+\.id\}$/) },
    ]);
    expect(dataOf(out, "openstack_networking_subnet_v2")).toEqual([
      { name: "app-subnet", network_id: expect.stringMatching(/^\$\{data\.openstack_networking_network_v2\.net_network_[0-9A-F]+\.id\}$/) },
    ]);
    expect(dataOf(out, "openstack_networking_secgroup_v2")).toHaveLength(2);
    expect(dataOf(out, "openstack_images_image_v2")).toEqual([{ name: "cirros", most_recent: true }]);
    expect(dataOf(out, "openstack_compute_flavor_v2")).toEqual(expect.arrayContaining([{ name: "m1.small" }, { flavor_id: "42" }]));
    expect(dataOf(out, "openstack_compute_keypair_v2")).toEqual([{ name: "ops" }]);
    expect(() => expectStackMatchesSchema(stack)).not.toThrow();
    expectTerraformValid(out);
  });

  it("accepts imported resources wherever created ones go: servers, routers, volumes, grants", () => {
    const stack = newStack("mixed");
    const net = TenantNetwork.fromName(stack, "net", "app-net", { subnet: "app-subnet" });
    const router = new Router(stack, "router", { name: "r", interfaces: [net] });
    const server = new Server(stack, "web", {
      name: "web",
      image: Image.fromName(stack, "img", "cirros"),
      flavor: Flavor.fromName(stack, "flavor", "m1.small"),
      keypair: Keypair.fromName(stack, "key", "ops"),
      ports: [{ network: net, fixedIp: "10.0.0.10", securityGroups: [SecurityGroup.fromName(stack, "sg", "web")] }],
      volumes: [new Volume(stack, "data", { name: "data", sizeGb: 1, volumeType: VolumeType.fromName(stack, "type", "lvm") })],
    });
    Project.fromName(stack, "proj", "A");
    new Project(stack, "p", { name: "p" }).grant(User.fromName(stack, "user", "ahmed"), Role.fromName(stack, "member", "member"));
    const out = synth(stack);
    expect(onlyResource(out, "openstack_networking_router_interface_v2").subnet_id).toMatch(/^\$\{data\.openstack_networking_subnet_v2\.net_subnet_[0-9A-F]+\.id\}$/);
    expect(onlyResource(out, "openstack_networking_port_v2")).toMatchObject({
      name: "web-net",
      network_id: expect.stringMatching(/^\$\{data\.openstack_networking_network_v2\./),
      fixed_ip: [{ ip_address: "10.0.0.10", subnet_id: expect.stringMatching(/^\$\{data\.openstack_networking_subnet_v2\./) }],
      security_group_ids: [expect.stringMatching(/^\$\{data\.openstack_networking_secgroup_v2\./)],
    });
    expect(onlyResource(out, "openstack_compute_instance_v2")).toMatchObject({
      image_id: expect.stringMatching(/^\$\{data\.openstack_images_image_v2\./),
      flavor_id: expect.stringMatching(/^\$\{data\.openstack_compute_flavor_v2\./),
      key_pair: expect.stringMatching(/^\$\{data\.openstack_compute_keypair_v2\./),
    });
    expect(onlyResource(out, "openstack_compute_volume_attach_v2")).toMatchObject({
      instance_id: expect.stringMatching(/^\$\{openstack_compute_instance_v2\./),
      volume_id: expect.stringMatching(/^\$\{openstack_blockstorage_volume_v3\./),
    });
    expect(onlyResource(out, "openstack_blockstorage_volume_v3").volume_type).toBe("lvm");
    expect(() => expectStackMatchesSchema(stack)).not.toThrow();
    expectTerraformValid(out);
    expect(problemsAfter(() => server.attachVolume(stack.node.findChild("data") as Volume))).toBe(
      "mixed/web: volume data is attached twice",
    );
    void router;
  });

  it("boots a server on a port that exists already, and refuses one for a VmGroup", () => {
    const stack = newStack("port");
    const reserved = Server.existingPort(stack, "reserved", { name: "db-vip" });
    new Server(stack, "db", { name: "db", image: { name: "cirros" }, flavor: { name: "m1.small" }, ports: [{ existing: reserved }] });
    const out = synth(stack);
    expect(dataOf(out, "openstack_networking_port_v2")).toEqual([{ name: "db-vip" }]);
    expect(out.json.resource?.["openstack_networking_port_v2"]).toBeUndefined();
    expect(onlyResource(out, "openstack_compute_instance_v2").network).toEqual([{ port: expect.stringMatching(/^\$\{data\.openstack_networking_port_v2\./) }]);
    expect(() => expectStackMatchesSchema(stack)).not.toThrow();
    expectTerraformValid(out);
    expect(
      problemsAfter(() => new VmGroup(stack, "group", { namePrefix: "g", count: 2, image: { name: "cirros" }, flavor: { name: "m1.small" }, ports: [{ existing: reserved }] })),
    ).toBe("port/group: ports of a VmGroup cannot be existing ports: every server would claim the same port");
    const volume = new Volume(stack, "shared-volume", { name: "v", sizeGb: 1 });
    const net = TenantNetwork.fromName(stack, "net", "app-net");
    expect(
      problemsAfter(() => new VmGroup(stack, "group2", { namePrefix: "h", count: 2, image: { name: "cirros" }, flavor: { name: "m1.small" }, ports: [{ network: net }], volumes: [volume] })),
    ).toContain("port/group2: volumes of a VmGroup would be attached to every server; attach one volume per server with Server.attachVolume");
  });

  it("a network imported without its subnet cannot be attached to a router, said with the construct path", () => {
    const stack = newStack("nosubnet");
    const net = TenantNetwork.fromName(stack, "net", "app-net");
    expect(problemsAfter(() => new Router(stack, "router", { name: "r", interfaces: [net] }))).toBe(
      'nosubnet/router: network nosubnet/net has no subnet to attach; import it with its subnet (TenantNetwork.fromName(…, { subnet: "…" }))',
    );
  });
});

describe("ownership: resources of one project used from another are caught at synth", () => {
  it("a server outside the network's project, on a network that is not shared", () => {
    const stack = newStack("own");
    const a = new Project(stack, "a", { name: "A" });
    const net = new TenantNetwork(stack, "net", { name: "a-net", cidr: "10.9.0.0/24", project: a });
    new Server(stack, "vm", { name: "vm", image: { name: "cirros" }, flavor: { name: "m1.small" }, ports: [{ network: net }] });
    expect(() => synth(stack)).toThrow(
      "[own/vm] server vm is created in the project of the stack's credentials, but network a-net belongs to project A and is not shared; create it in project A (project: …, with credentials scoped there) or share the network",
    );
  });

  it("passes when the server is in that project (its own or the stack's), or the network is shared", () => {
    for (const variant of ["server", "cloud", "shared"] as const) {
      const app = Testing.app();
      const stack = new TerraformStack(app, `ok-${variant}`);
      const cloud = new OpenStackCloud(stack, "cloud", { cloud: "lab", project: variant === "cloud" ? Project.fromName(stack, "a", "A") : undefined });
      const a = cloud.project ?? new Project(stack, "a", { name: "A" });
      const net = new TenantNetwork(stack, "net", { name: "a-net", cidr: "10.9.0.0/24", project: a, shared: variant === "shared" });
      new Server(stack, "vm", { name: "vm", image: { name: "cirros" }, flavor: { name: "m1.small" }, ports: [{ network: net }], project: variant === "server" ? a : undefined });
      expectTerraformValid(synth(stack));
    }
  });

  it("an imported network of project A and a security group of project B on one server: both named", () => {
    const stack = newStack("two");
    const a = Project.fromName(stack, "a", "A");
    const b = Project.fromName(stack, "b", "B");
    const net = TenantNetwork.fromName(stack, "net", "a-net", { project: a });
    const sg = SecurityGroup.fromName(stack, "sg", "web", { project: b });
    const problems = problemsAfter(() => new Server(stack, "vm", { name: "vm", image: { name: "cirros" }, flavor: { name: "m1.small" }, ports: [{ network: net, securityGroups: [sg] }], project: a }));
    expect(problems.split("\n")).toEqual([
      "two/vm: server vm is created in project two/a, but security group two/sg belongs to project two/b and is not shared; create it in project two/b (project: …, with credentials scoped there) or share the security group",
    ]);
  });
});
