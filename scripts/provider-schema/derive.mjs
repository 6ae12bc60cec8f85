// Derives the `terraform providers schema -json` document of a terraform-plugin-sdk/v2
// provider from its Go source: evaluates `Provider()` and maps every resource and data
// source through the SDK's CoreConfigSchema rules.

import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { GoPackageEvaluator, describe, isMap, isStruct } from "./go-eval.mjs";
import { SdkSchemaMapper } from "./sdk-core-schema.mjs";

/** Reads the non-test .go files of one package directory, in a stable order; paths are `label/file.go`. */
export function readGoPackage(dir, label = basename(dir)) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))
    .sort()
    .map((f) => ({ path: `${label}/${f}`, source: readFileSync(join(dir, f), "utf8") }));
}

function sortedObject(entries) {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * @param files      Go files of the provider package (`[{path, source}]`)
 * @param options.fqpn              provider address, e.g. registry.terraform.io/ns/name
 * @param options.providerFunction  function returning *schema.Provider (default "Provider")
 * @returns {{schema, notes, locations}} the schema document, everything that could not be
 *   resolved, and where in the source each attribute was declared ("type.path" → "file:line")
 */
export function deriveProviderSchema(files, { fqpn, version, providerFunction = "Provider" }) {
  const evaluator = new GoPackageEvaluator(files);
  const notes = [];
  const mapper = new SdkSchemaMapper((kind, detail, where) => notes.push({ kind, detail, where }));
  // Resources written with terraform-plugin-framework are served through a mux server and
  // are not in Provider(); this derivation only reads SDKv2 literals, so say so if any exist.
  for (const [file, imports] of evaluator.pkg.imports) {
    for (const path of imports.values()) {
      if (path.startsWith("github.com/hashicorp/terraform-plugin-framework")) {
        notes.push({ kind: "plugin-framework", detail: `imports ${path}; framework resources are not derived`, where: file });
      }
    }
  }
  evaluator.runInits();
  const provider = evaluator.callFunction(providerFunction);
  if (!isStruct(provider, "schema.Provider")) {
    throw new Error(`${providerFunction}() did not evaluate to a schema.Provider but to ${describe(provider)}`);
  }
  const providerSchema = provider.fields.get("Schema");
  const providerBlock = mapper.block(isMap(providerSchema) ? providerSchema.entries : new Map(), "provider");
  const section = (field, label) => {
    const m = provider.fields.get(field);
    if (!isMap(m)) {
      notes.push({ kind: "unresolved-map", detail: `${field} is ${describe(m)}`, where: providerFunction });
      return {};
    }
    const out = [];
    for (const [name, resource] of m.entries) {
      const mapped = mapper.resource(resource, label(name));
      if (mapped) out.push([name, mapped]);
    }
    return sortedObject(out);
  };
  const schema = {
    format_version: "1.0",
    provider_schemas: {
      [fqpn]: {
        provider: { version: 0, block: providerBlock },
        resource_schemas: section("ResourcesMap", (n) => n),
        data_source_schemas: section("DataSourcesMap", (n) => `data.${n}`),
      },
    },
    provider_versions: { [fqpn]: version },
  };
  // Evaluator notes about statements in functions we ran (e.g. an `if` it could not decide)
  // matter only if they touched a schema; they are listed for review either way.
  for (const n of evaluator.notes) notes.push(n);
  const unique = new Map(notes.map((n) => [`${n.where}\0${n.kind}\0${n.detail}`, n]));
  notes.length = 0;
  notes.push(...unique.values());
  notes.sort((a, b) => `${a.where}\0${a.kind}\0${a.detail}`.localeCompare(`${b.where}\0${b.kind}\0${b.detail}`));
  return { schema, notes, locations: mapper.locations };
}
