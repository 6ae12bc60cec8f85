// The committed provider schema (providers/openstack/schema.json) and its docs report.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const readJson = (p: string) => JSON.parse(readFileSync(join(root, p), "utf8"));

const FQPN = "registry.terraform.io/terraform-provider-openstack/openstack";
const schema = readJson("providers/openstack/schema.json");
const provider = schema.provider_schemas[FQPN];
const report = readJson("providers/openstack/docs-report.json");
const known = readJson("providers/openstack/docs-known-mismatches.json");
const docsSample = readJson("test/provider/fixtures/docs-arguments-3.4.0.json");

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

function member(block: Block, name: string): { required: boolean } | undefined {
  const a = block.attributes?.[name];
  if (a) return { required: !!a.required };
  const b = block.block_types?.[name];
  return b ? { required: (b.min_items ?? 0) > 0 } : undefined;
}

describe("providers/openstack/schema.json", () => {
  it("is terraform-provider-openstack 3.4.x, with its source commit", () => {
    expect(Object.keys(schema.provider_schemas)).toEqual([FQPN]);
    expect(schema.provider_versions[FQPN]).toMatch(/^3\.4\.\d+$/);
    expect(schema.rdoctl.provider_version).toBe(schema.provider_versions[FQPN]);
    expect(schema.rdoctl.source_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(schema.rdoctl.source_repository).toBe("https://github.com/terraform-provider-openstack/terraform-provider-openstack");
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

  it("agrees with the docs on required/optional for the arguments the constructs use", () => {
    let compared = 0;
    for (const [type, args] of Object.entries(docsSample.resources as Record<string, Record<string, string>>)) {
      const block: Block = provider.resource_schemas[type].block;
      for (const [name, docs] of Object.entries(args)) {
        const m = member(block, name);
        expect(m, `${type}.${name}`).toBeDefined();
        expect(m!.required ? "required" : "optional", `${type}.${name}`).toBe(docs);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(250);
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

describe("providers/openstack/docs-report.json", () => {
  const serious = ["missing-in-schema", "required-mismatch", "computed-only-in-schema", "block-not-found", "doc-missing"];
  const findings: { type: string; argument: string; kind: string; explanation?: string }[] = report.docs.mismatches;

  it("belongs to the committed schema", () => {
    expect(report.provider_version).toBe(schema.rdoctl.provider_version);
    expect(report.source_commit).toBe(schema.rdoctl.source_commit);
    expect(report.docs.summary.total).toBe(findings.length);
    expect(report.derivation_notes).toEqual([]);
  });

  it("explains every finding that is not purely informational", () => {
    const unexplained = findings.filter((m) => serious.includes(m.kind) && !m.explanation);
    expect(unexplained).toEqual([]);
  });

  it("keeps no stale explanation", () => {
    const keys = new Set(findings.map((m) => `${m.type} ${m.argument}`.trim()));
    expect(Object.keys(known.explanations).filter((k) => !keys.has(k))).toEqual([]);
    expect(known.provider_version).toBe(schema.rdoctl.provider_version);
  });
});
