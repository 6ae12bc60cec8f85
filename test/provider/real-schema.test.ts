// providers/openstack/schema.json must be what the pinned provider binary reports.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { providerSchemaFromEngine, schemaDifferences } from "../../src/cloud/provider-schema";
import { engineOrSkip } from "./engine";

const root = resolve(__dirname, "../..");
const engine = engineOrSkip("test/provider/real-schema.test.ts");

describe.skipIf(!engine)("providers/openstack/schema.json against the provider binary", () => {
  it("is exactly what `providers schema -json` reports (run `npm run provider:schema` when this fails)", () => {
    const committed = JSON.parse(readFileSync(join(root, "providers/openstack/schema.json"), "utf8"));
    const { schema } = providerSchemaFromEngine(engine);
    expect(schemaDifferences(committed, schema)).toEqual([]);
    expect(committed.rdoctl.provider_version).toBe(schema.rdoctl.provider_version);
  });
});

describe("schemaDifferences", () => {
  it("names each path that differs and ignores the rdoctl record and the registry host", () => {
    const a = { format_version: "1.0", provider_schemas: { "registry.terraform.io/x/y": { r: { required: true }, s: 1 } }, rdoctl: { engine: "terraform" } };
    const b = { format_version: "1.0", provider_schemas: { "registry.opentofu.org/x/y": { r: { optional: true }, t: 1 } }, rdoctl: { engine: "tofu" } };
    expect(schemaDifferences(a, b)).toEqual([
      "$.provider_schemas.registry/x/y.r.required: only the committed file has it",
      "$.provider_schemas.registry/x/y.r.optional: only the provider has it",
      "$.provider_schemas.registry/x/y.s: only the committed file has it",
      "$.provider_schemas.registry/x/y.t: only the provider has it",
    ]);
    expect(schemaDifferences(a, a)).toEqual([]);
  });
});
