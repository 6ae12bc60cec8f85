import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ANSWER_RULES } from "../../src/packstack/answers";
import { describe, expect, it } from "vitest";
import schema from "../../schema/inventory.schema.json";
import {
  CINDER_BACKENDS,
  type CinderSpec,
  type ExternalNetworkSpec,
  type HostSpec,
  INTERFACE_PURPOSES,
  NETWORK_TYPES,
  NEUTRON_L2_AGENTS,
  type NeutronSpec,
  RELEASES,
  RELEASE_CODENAMES,
  ROLES,
  RULES,
  SERVICE_NAMES,
  type ServicesSpec,
  type SshSpec,
  type SwiftSpec,
  type TopologySpec,
} from "../../src/topology";
import { GENERATED_VALIDATOR, inventoryAjv, inventoryValidatorSource } from "../../src/topology/schema-compile";

type JsonSchema = { [key: string]: unknown };
const root = schema as JsonSchema;
const definitions = root["definitions"] as Record<string, JsonSchema>;

/** Follows one `$ref` to a local definition. */
function deref(node: JsonSchema): JsonSchema {
  const ref = node["$ref"];
  return typeof ref === "string" ? definitions[ref.replace("#/definitions/", "")]! : node;
}
function prop(node: JsonSchema, ...path: string[]): JsonSchema {
  return path.reduce((n, key) => deref((deref(n)["properties"] as Record<string, JsonSchema>)[key]!), node);
}
function keysOf(node: JsonSchema): string[] {
  return Object.keys(deref(node)["properties"] as object).sort();
}
/** Compile-time list of an interface's keys: adding a field to model.ts without listing it here fails tsc. */
function fields<T>(keys: Record<keyof T, true>): string[] {
  return Object.keys(keys).sort();
}

describe("inventory schema agrees with model.ts", () => {
  it("enums equal the model's constants", () => {
    expect(prop(root, "release")["enum"]).toEqual([...RELEASES, ...RELEASES.map((r) => RELEASE_CODENAMES[r])]);
    expect((prop(prop(root, "hosts")["items"] as JsonSchema, "roles")["items"] as JsonSchema)["enum"]).toEqual([...ROLES]);
    expect(prop(root, "services", "neutron", "l2Agent")["enum"]).toEqual([...NEUTRON_L2_AGENTS]);
    expect(deref(prop(root, "services", "neutron", "typeDrivers")["items"] as JsonSchema)["enum"]).toEqual([...NETWORK_TYPES]);
    expect(deref(prop(root, "services", "neutron", "tenantNetworkTypes")["items"] as JsonSchema)["enum"]).toEqual([...NETWORK_TYPES]);
    expect((prop(root, "services", "cinder", "backends")["items"] as JsonSchema)["enum"]).toEqual([...CINDER_BACKENDS]);
    expect(prop(definitions["networkInterface"]!, "purpose")["enum"]).toEqual([...INTERFACE_PURPOSES]);
  });

  it("objects have exactly the model's fields", () => {
    expect(keysOf(root)).toEqual(
      fields<TopologySpec>({ name: true, release: true, domain: true, hosts: true, deployer: true, services: true, ntpServers: true, ssl: true, externalNetwork: true, packstack: true }),
    );
    expect(keysOf(definitions["host"]!)).toEqual(fields<HostSpec>({ name: true, address: true, fqdn: true, roles: true, ssh: true, interfaces: true }));
    expect(keysOf(definitions["ssh"]!)).toEqual(
      fields<SshSpec>({ user: true, port: true, keyFile: true, passwordAuth: true, jump: true, configAlias: true, hostKeys: true }),
    );
    expect(keysOf(definitions["neutron"]!)).toEqual(
      fields<NeutronSpec>({ l2Agent: true, typeDrivers: true, tenantNetworkTypes: true, bridgeMappings: true, bridgeInterfaces: true, vlanRanges: true, tunnelInterface: true, computeBridges: true }),
    );
    expect(keysOf(definitions["externalNetwork"]!)).toEqual(
      fields<ExternalNetworkSpec>({ physicalNetwork: true, bridge: true, interface: true, type: true, segmentationId: true, cidr: true, gateway: true, allocationPool: true }),
    );
    expect(keysOf(prop(root, "services", "cinder"))).toEqual(fields<CinderSpec>({ enabled: true, backends: true, lvmVolumeSize: true, nfsMounts: true }));
    expect(keysOf(prop(root, "services", "swift"))).toEqual(fields<SwiftSpec>({ enabled: true, devices: true, replicas: true, storageSize: true }));
    expect(keysOf(definitions["services"]!)).toEqual([...SERVICE_NAMES].sort());
  });

  it("SERVICE_NAMES lists every service of the model", () => {
    const all: Record<keyof ServicesSpec, true> = {
      nova: true, neutron: true, glance: true, cinder: true, swift: true, heat: true, horizon: true, ceilometer: true,
      aodh: true, manila: true, trove: true, sahara: true, magnum: true, ironic: true, demo: true, tempest: true,
    };
    expect([...SERVICE_NAMES].sort()).toEqual(Object.keys(all).sort());
  });
});

describe("inventory schema quality", () => {
  it("compiles under ajv strict mode", () => {
    expect(() => inventoryAjv().compile(schema)).not.toThrow();
  });

  it("the committed standalone validator is generated from the current schema", () => {
    // Regenerate with: npx tsx src/topology/schema-compile.ts
    expect(readFileSync(GENERATED_VALIDATOR, "utf8")).toBe(inventoryValidatorSource());
  });

  it("rejects unknown keys in every object with fixed properties", () => {
    const open: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (!node || typeof node !== "object") return;
      const n = node as JsonSchema;
      if (n["properties"] && n["additionalProperties"] !== false) open.push(where);
      for (const [key, child] of Object.entries(n)) walk(child, `${where}/${key}`);
    };
    walk(schema, "#");
    expect(open).toEqual([]);
  });

  it("describes every field (editors show the text)", () => {
    const bare: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (!node || typeof node !== "object") return;
      const n = node as JsonSchema;
      for (const [key, child] of Object.entries((n["properties"] ?? {}) as Record<string, JsonSchema>)) {
        if (!child["description"] && !deref(child)["description"]) bare.push(`${where}.${key}`);
      }
      for (const [key, child] of Object.entries(n)) walk(child, `${where}/${key}`);
    };
    walk(schema, "#");
    expect(bare).toEqual([]);
  });
});

describe("inventories/README.md", () => {
  it("documents every cross-field rule", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "inventories", "README.md"), "utf8");
    const [rules = "", answerFile = ""] = readme.split(/^4\. The answer file/m);
    const rows = (text: string) => [...text.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(rows(rules)).toEqual(RULES.map((rule) => rule.name));
    expect(rows(answerFile).sort()).toEqual(Object.values(ANSWER_RULES).sort());
  });
});
