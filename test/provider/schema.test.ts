// The committed provider schema (providers/openstack/schema.json), offline: its shape and the facts
// the constructs rely on. test/provider/real-schema.test.ts compares it with the provider binary.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const readJson = (p: string) => JSON.parse(readFileSync(join(root, p), "utf8"));

const FQPN = "registry.terraform.io/terraform-provider-openstack/openstack";
const schema = readJson("providers/openstack/schema.json");
const provider = schema.provider_schemas[FQPN];
const pin = readJson("providers/openstack/pin.json");

interface Block {
  attributes?: Record<string, { type: unknown; required?: boolean; optional?: boolean; computed?: boolean }>;
  block_types?: Record<string, { nesting_mode: string; block: Block; min_items?: number; max_items?: number }>;
}

/** Resource types the constructs in src/cloud build on. */
const USED_RESOURCES = [
  "identity_project_v3", "identity_user_v3", "identity_role_v3", "identity_role_assignment_v3",
  "identity_group_v3", "identity_user_membership_v3", "identity_inherit_role_assignment_v3",
  "compute_quotaset_v2", "networking_quota_v2", "blockstorage_quotaset_v3",
  "images_image_v2", "compute_flavor_v2", "compute_flavor_access_v2", "compute_keypair_v2",
  "networking_network_v2", "networking_subnet_v2", "networking_router_v2", "networking_router_interface_v2",
  "networking_secgroup_v2", "networking_secgroup_rule_v2", "networking_floatingip_v2",
  "networking_floatingip_associate_v2", "networking_port_v2", "blockstorage_volume_v3",
  "blockstorage_volume_type_v3", "objectstorage_container_v1", "orchestration_stack_v1",
  "compute_instance_v2", "compute_servergroup_v2", "compute_volume_attach_v2",
].map((r) => `openstack_${r}`);

describe("providers/openstack/schema.json", () => {
  it("is the pinned terraform-provider-openstack, as its binary reported it", () => {
    expect(Object.keys(schema.provider_schemas)).toEqual([FQPN]);
    expect(schema.provider_versions[FQPN]).toBe(pin.provider.version);
    expect(schema.rdoctl.provider_version).toBe(pin.provider.version);
    expect(schema.rdoctl.go_module).toBe(`${pin.provider.goModule}@v${pin.provider.version}`);
    expect(schema.rdoctl.engine).toMatch(/^(terraform|tofu) \d+\.\d+\.\d+/);
  });

  it("matches the provider constraint in cdktf.json", () => {
    const cdktf = readJson("cdktf.json");
    expect(cdktf.codeMakerOutput).toBe(".gen");
    const entry: string = cdktf.terraformProviders.find((p: string) => p.startsWith("terraform-provider-openstack/openstack@"));
    const [, major, minor] = /@~>\s*(\d+)\.(\d+)$/.exec(entry)!.map(Number);
    const [vMajor, vMinor] = schema.provider_versions[FQPN].split(".").map(Number);
    expect(vMajor).toBe(major);
    expect(vMinor).toBeGreaterThanOrEqual(minor);
  });

  it("holds every resource and data source of the provider", () => {
    expect(Object.keys(provider.resource_schemas)).toHaveLength(108);
    expect(Object.keys(provider.data_source_schemas)).toHaveLength(61);
    for (const type of USED_RESOURCES) expect(provider.resource_schemas, type).toHaveProperty([type]);
    // 3.x has no separate domain resource (a domain is a project with is_domain) and dropped
    // compute_floatingip_associate_v2 in favour of networking_floatingip_associate_v2.
    expect(provider.resource_schemas).not.toHaveProperty(["openstack_identity_domain_v3"]);
    expect(provider.resource_schemas).not.toHaveProperty(["openstack_compute_floatingip_associate_v2"]);
    expect(provider.resource_schemas.openstack_identity_project_v3.block.attributes.is_domain.type).toBe("bool");
  });

  it("has the shapes the constructs rely on", () => {
    const r = (t: string): Block => provider.resource_schemas[`openstack_${t}`].block;
    expect(r("networking_subnet_v2").block_types!.allocation_pool.nesting_mode).toBe("set");
    expect(r("compute_instance_v2").block_types!.network.nesting_mode).toBe("list");
    expect(r("compute_instance_v2").block_types!.block_device.nesting_mode).toBe("list");
    expect(r("networking_router_v2").block_types!.external_fixed_ip.nesting_mode).toBe("list");
    expect(r("images_image_v2").attributes!.properties.type).toEqual(["map", "string"]);
    expect(r("images_image_v2").attributes!.web_download.type).toBe("bool");
    expect(r("compute_flavor_v2").attributes!.extra_specs.type).toEqual(["map", "string"]);
    expect(r("identity_user_v3").attributes!.password).toMatchObject({ sensitive: true, optional: true });
    expect(r("orchestration_stack_v1").attributes!.template_opts).toMatchObject({ type: ["map", "string"], required: true });
    expect(r("compute_instance_v2").block_types!.timeouts.block.attributes).toHaveProperty("create");
    expect(provider.provider.block.attributes.cloud).toMatchObject({ type: "string", optional: true });
    expect(provider.provider.block.attributes.password.sensitive).toBe(true);
    expect(provider.provider.block.attributes.delayed_auth.type).toBe("bool");
  });

  it("gives every resource and data source the implicit id and well-formed blocks", () => {
    const primitive = new Set(["string", "number", "bool"]);
    const validType = (t: unknown): boolean => {
      if (typeof t === "string") return primitive.has(t);
      if (!Array.isArray(t)) return false;
      if (t[0] === "object") return Object.values(t[1] as Record<string, unknown>).every(validType);
      return ["list", "set", "map"].includes(t[0]) && validType(t[1]);
    };
    const check = (b: Block, where: string) => {
      for (const [n, a] of Object.entries(b.attributes ?? {})) {
        expect(validType(a.type), `${where}.${n}`).toBe(true);
        expect(!!a.required || !!a.optional || !!a.computed, `${where}.${n}`).toBe(true);
        expect(!(a.required && a.optional), `${where}.${n}`).toBe(true);
      }
      for (const [n, bt] of Object.entries(b.block_types ?? {})) {
        expect(["list", "set", "single", "map"], `${where}.${n}`).toContain(bt.nesting_mode);
        check(bt.block, `${where}.${n}`);
      }
    };
    for (const kind of ["resource_schemas", "data_source_schemas"]) {
      for (const [type, s] of Object.entries(provider[kind] as Record<string, { block: Block }>)) {
        expect(s.block.attributes!.id, type).toBeDefined();
        check(s.block, type);
      }
    }
  });
});
