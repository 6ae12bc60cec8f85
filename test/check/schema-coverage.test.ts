import { describe, expect, it } from "vitest";
import { checkSynthesizedStack, defaultSchemaPath, formatFinding, loadProviderSchema } from "../../src/cloud/check";
import { parseCtyType, type CtyType } from "../../src/cloud/check/cty";
import type { SchemaBlock } from "../../src/cloud/check/schema";

const schema = loadProviderSchema(defaultSchemaPath());
const OPENSTACK = "registry.terraform.io/terraform-provider-openstack/openstack";

/** A literal of the type, as a user would write it. */
function sample(type: CtyType): unknown {
  switch (type.kind) {
    case "string":
      return "x";
    case "number":
      return 1;
    case "bool":
      return true;
    case "list":
    case "set":
      return [sample(type.element)];
    case "map":
      return { k: sample(type.element) };
    case "object":
      return Object.fromEntries(Object.entries(type.attributes).map(([k, t]) => [k, sample(t)]));
    case "tuple":
      return type.elements.map(sample);
    default:
      return "x";
  }
}

/** The smallest body the block accepts: its required attributes and min_items blocks, recursively. */
function minimal(block: SchemaBlock): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(block.attributes ?? {})) if (attr.required) body[name] = sample(parseCtyType(attr.type));
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    if ((nested.min_items ?? 0) > 0) body[name] = Array.from({ length: nested.min_items! }, () => minimal(nested.block));
  }
  return body;
}

function stackWith(section: "resource" | "data", types: Iterable<string>, lookup: (t: string) => SchemaBlock, mutate?: (body: Record<string, unknown>) => void): object {
  const bodies: Record<string, Record<string, unknown>> = {};
  for (const type of types) {
    const body = minimal(lookup(type));
    mutate?.(body);
    bodies[type] = { one: body };
  }
  return {
    terraform: { required_providers: { openstack: { source: "terraform-provider-openstack/openstack", version: "~> 3.4" } } },
    [section]: bodies,
  };
}

describe("the checker over the whole committed schema", () => {
  const resourceTypes = schema.resourceTypesOf(OPENSTACK, "resource");
  const dataTypes = schema.resourceTypesOf(OPENSTACK, "data");

  it("describes a good number of types", () => {
    expect(resourceTypes.length).toBeGreaterThan(80);
    expect(dataTypes.length).toBeGreaterThan(40);
  });

  it("accepts a minimal valid instance of every resource and data source type", () => {
    const resources = stackWith("resource", resourceTypes, (t) => schema.resource(t)!.block);
    const data = stackWith("data", dataTypes, (t) => schema.dataSource(t)!.block);
    expect(checkSynthesizedStack(resources, schema).map(formatFinding)).toEqual([]);
    expect(checkSynthesizedStack(data, schema).map(formatFinding)).toEqual([]);
  });

  it("catches a misspelt required attribute in every type that has one", () => {
    const withRequired = resourceTypes.filter((t) => Object.values(schema.resource(t)!.block.attributes ?? {}).some((a) => a.required));
    const stack = stackWith("resource", withRequired, (t) => schema.resource(t)!.block, (body) => {
      const [name, value] = Object.entries(body).find(([, v]) => typeof v !== "object") ?? Object.entries(body)[0]!;
      delete body[name];
      body[`${name}x`] = value;
    });
    const findings = checkSynthesizedStack(stack, schema);
    for (const type of withRequired) {
      const mine = findings.filter((f) => f.address === `${type}.one`);
      expect(mine.map((f) => f.rule).sort(), type).toEqual(["missing-required", expect.stringMatching(/^unknown-(attribute|block)$/)]);
      expect(mine.find((f) => f.rule.startsWith("unknown-"))!.message).toMatch(/did you mean/);
    }
  });
});
