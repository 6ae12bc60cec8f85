// The schema derivation script run on a small Go package written for these tests
// (fixtures/sample-provider), so neither the provider's source nor the network is needed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const fixture = join(__dirname, "fixtures/sample-provider");
const fqpn = "registry.terraform.io/example/sample";
const commit = "0123456789abcdef0123456789abcdef01234567";

function derive(outDir: string): void {
  execFileSync(process.execPath, [
    join(root, "scripts/derive-provider-schema.mjs"),
    "--source", fixture, "--package", "sample", "--fqpn", fqpn,
    "--version", "0.0.1", "--commit", commit, "--out", outDir,
  ], { cwd: root, stdio: "pipe" });
}

interface Attr { type: unknown; required?: boolean; optional?: boolean; computed?: boolean; sensitive?: boolean; deprecated?: boolean; description?: string }
interface Block { attributes?: Record<string, Attr>; block_types?: Record<string, { nesting_mode: string; block: Block; min_items?: number; max_items?: number }> }
interface Finding { type: string; argument: string; kind: string; source?: string }

describe("derive-provider-schema on the Go fixture", () => {
  let dir: string;
  let schema: { provider_schemas: Record<string, { provider: { block: Block }; resource_schemas: Record<string, { version: number; block: Block }>; data_source_schemas: Record<string, { block: Block }> }>; provider_versions: Record<string, string>; rdoctl: Record<string, string> };
  let report: { derivation_notes: { kind: string; where: string; detail: string }[]; docs: { mismatches: Finding[]; summary: { total: number } } };
  let thing: Block;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "rdoctl-derive-"));
    derive(dir);
    schema = JSON.parse(readFileSync(join(dir, "schema.json"), "utf8"));
    report = JSON.parse(readFileSync(join(dir, "docs-report.json"), "utf8"));
    thing = schema.provider_schemas[fqpn].resource_schemas.sample_thing_v1.block;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists every resource and data source of the provider map, skipping _test.go files", () => {
    const p = schema.provider_schemas[fqpn];
    expect(Object.keys(p.resource_schemas)).toEqual(["sample_secret_v1", "sample_thing_v1"]);
    expect(Object.keys(p.data_source_schemas)).toEqual(["sample_thing_v1"]);
  });

  it("records provider version and source commit with the schema", () => {
    expect(schema.provider_versions[fqpn]).toBe("0.0.1");
    expect(schema.rdoctl).toMatchObject({ provider_version: "0.0.1", source_commit: commit, provider_source: "example/sample" });
  });

  it("maps Required, Optional+Computed, Computed, Sensitive, Deprecated and descriptions", () => {
    expect(thing.attributes!.name).toMatchObject({ type: "string", required: true, description: "Name of the thing." });
    expect(thing.attributes!.region).toEqual({ type: "string", description_kind: "plain", optional: true, computed: true });
    expect(thing.attributes!.password).toMatchObject({ sensitive: true, optional: true });
    expect(thing.attributes!.enabled).toMatchObject({ type: "bool", deprecated: true });
    expect(thing.attributes!.size).toMatchObject({ type: "number", description: "Size in GiB, set by init()." });
    const provider = schema.provider_schemas[fqpn].provider.block;
    expect(provider.attributes!.endpoint.description).toBe("The API endpoint.\nRead from SAMPLE_ENDPOINT when unset.");
    expect(provider.attributes!.token).toMatchObject({ sensitive: true, description: "A token; never logged." });
    expect(provider.attributes!.id).toBeUndefined();
  });

  it("maps collections: TypeMap (with and without Elem), lists, sets and the ValueType Elem shim", () => {
    expect(thing.attributes!.labels.type).toEqual(["map", "number"]);
    expect(thing.attributes!.properties.type).toEqual(["map", "string"]);
    expect(thing.attributes!.legacy_map.type).toEqual(["map", "string"]); // Resource Elem on a map → strings
    expect(thing.attributes!.aliases.type).toEqual(["list", "string"]);
    expect(thing.attributes!.tags).toMatchObject({ type: ["set", "string"], optional: true });
    expect(thing.attributes!.tags.computed).toBeUndefined();
    expect(thing.attributes!.all_tags).toMatchObject({ type: ["set", "string"], optional: true, computed: true });
  });

  it("resolves helper functions, shared package maps and environment defaults", () => {
    expect(thing.block_types!.rule).toMatchObject({ nesting_mode: "list", min_items: 1 });
    expect(thing.block_types!.rule.block.attributes!.protocol.required).toBe(true);
    expect(thing.attributes!.pool.required).toBe(true); // EnvDefaultFunc(..., nil) stays required
    expect(thing.attributes!.flavor).toMatchObject({ optional: true });
    expect(thing.attributes!.flavor.required).toBeUndefined();
  });

  it("turns Resource Elems into nested blocks with the SDK's min/max rules", () => {
    const allocation = thing.block_types!.allocation;
    expect(allocation.nesting_mode).toBe("set");
    expect(allocation.max_items).toBe(4);
    expect(allocation.min_items).toBeUndefined(); // Optional drops MinItems, as the SDK does
    expect(allocation.block.block_types!.hints).toMatchObject({ nesting_mode: "list", max_items: 1 });
    expect(thing.attributes!.status_history).toEqual({
      type: ["list", ["object", { at: "number", status: "string" }]], description_kind: "plain", computed: true,
    });
    expect(thing.attributes!.settings.type).toEqual(["list", ["object", { key: "string" }]]);
  });

  it("decodes Go string literals: escapes, backquoted raw strings across lines", () => {
    const ds = schema.provider_schemas[fqpn].data_source_schemas.sample_thing_v1.block;
    expect(ds.attributes!.name.description).toBe('Café "name"\tfilter');
    expect(ds.attributes!.size.description).toBe('Raw "size"\nover two lines');
  });

  it("adds the implicit id and a timeouts block holding only the declared timeouts", () => {
    expect(thing.attributes!.id).toEqual({ type: "string", description_kind: "plain", optional: true, computed: true });
    expect(Object.keys(thing.block_types!.timeouts.block.attributes!)).toEqual(["create", "delete"]);
    expect(thing.block_types!.timeouts.nesting_mode).toBe("single");
    expect(schema.provider_schemas[fqpn].resource_schemas.sample_thing_v1.version).toBe(2);
    expect(schema.provider_schemas[fqpn].resource_schemas.sample_secret_v1.block.block_types!.timeouts).toBeUndefined();
  });

  it("follows statements that build a schema after the literal (range loop, index assignment)", () => {
    const acl = schema.provider_schemas[fqpn].resource_schemas.sample_secret_v1.block.block_types!.acl;
    expect(acl.max_items).toBe(1);
    expect(Object.keys(acl.block.block_types!)).toEqual(["read", "write"]);
    expect(acl.block.block_types!.read.block.attributes!.users.type).toEqual(["set", "string"]);
  });

  it("reports what it cannot resolve instead of guessing silently", () => {
    expect(report.derivation_notes).toContainEqual(expect.objectContaining({ kind: "unresolved-elem", where: "sample_thing_v1.mystery" }));
    expect(report.derivation_notes).toContainEqual(expect.objectContaining({ kind: "required-with-default", where: "sample_thing_v1.flavor" }));
    expect(report.derivation_notes).toContainEqual(expect.objectContaining({ kind: "plugin-framework", where: "sample/framework_resources.go" }));
  });

  it("compares with the docs and names each kind of mismatch with its source line", () => {
    const found = (kind: string, argument: string) => report.docs.mismatches.find((m) => m.kind === kind && m.argument === argument);
    expect(found("missing-in-schema", "gone")).toBeDefined();
    expect(found("required-mismatch", "flavor")?.source).toBe("sample/resource_sample_thing_v1.go:68");
    expect(found("required-mismatch", "allocation.end")).toBeDefined();
    expect(found("computed-only-in-schema", "status_history")).toBeDefined();
    expect(found("not-documented", "labels")).toBeDefined();
    expect(found("no-marker", "region")?.source).toBe("sample/shared.go:14");
    expect(found("block-not-found", "nonexistent")).toBeDefined();
    expect(report.docs.mismatches.find((m) => m.kind === "doc-missing")?.type).toBe("sample_secret_v1");
    // Conditional markers, indented prose bullets and other sections are not findings.
    for (const arg of ["tags", "nested", "not_an_argument", "id", "name", "pool", "rule"]) {
      expect(report.docs.mismatches.filter((m) => m.argument === arg && m.type === "sample_thing_v1")).toEqual([]);
    }
    expect(readFileSync(join(dir, "docs-report.md"), "utf8")).toContain("## required-mismatch (2)");
  });

  it("is deterministic: a second run writes byte-identical files", () => {
    const again = mkdtempSync(join(tmpdir(), "rdoctl-derive-"));
    try {
      derive(again);
      for (const f of ["schema.json", "docs-report.json", "docs-report.md"]) {
        expect(readFileSync(join(again, f), "utf8")).toBe(readFileSync(join(dir, f), "utf8"));
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it("fails with a usage message when no source is given", () => {
    expect(() => execFileSync(process.execPath, [join(root, "scripts/derive-provider-schema.mjs")], { cwd: root, stdio: "pipe" }))
      .toThrow(/usage: derive-provider-schema/);
  });
});
