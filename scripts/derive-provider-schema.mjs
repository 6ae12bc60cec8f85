#!/usr/bin/env zx
// Maintenance script: derive providers/openstack/schema.json from a local checkout of
// terraform-provider-openstack's Go source and compare it with the provider's docs.
//
//   npm run provider:schema -- --source /path/to/terraform-provider-openstack \
//       [--version 3.4.0] [--commit <sha>] [--out providers/openstack]
//
// Where the Terraform registry is reachable, `terraform providers schema -json` is the
// authoritative refresh (see providers/openstack/README.md); this script is for when it
// is not. Output is deterministic: same source → byte-identical files.

import { argv, fs, path, $ } from "zx";
import { deriveProviderSchema, readGoPackage } from "./provider-schema/derive.mjs";
import { compareWithDocs, renderDocsReport } from "./provider-schema/docs-compare.mjs";

const DEFAULT_FQPN = "registry.terraform.io/terraform-provider-openstack/openstack";
const usage = "usage: derive-provider-schema.mjs --source <provider checkout> [--package openstack] [--version X.Y.Z] [--commit SHA] [--out providers/openstack]";

async function gitInfo(dir) {
  try {
    const commit = (await $({ quiet: true, cwd: dir })`git rev-parse HEAD`).stdout.trim();
    const tag = (await $({ quiet: true, cwd: dir, nothrow: true })`git describe --tags --exact-match`).stdout.trim();
    return { commit, version: tag.replace(/^v/, "") || undefined };
  } catch {
    return {};
  }
}

/** Reviewed explanations of individual docs mismatches, keyed "type argument". */
async function readKnown(outDir) {
  const file = path.join(outDir, "docs-known-mismatches.json");
  return fs.existsSync(file) ? JSON.parse(await fs.readFile(file, "utf8")).explanations ?? {} : {};
}

async function main() {
  if (!argv.source) throw new Error(usage);
  const source = path.resolve(String(argv.source));
  const packageDir = path.join(source, String(argv.package ?? "openstack"));
  const outDir = path.resolve(String(argv.out ?? "providers/openstack"));
  const fqpn = String(argv.fqpn ?? DEFAULT_FQPN);
  const git = await gitInfo(source);
  const version = String(argv.version ?? git.version ?? "");
  const commit = String(argv.commit ?? git.commit ?? "");
  if (!version || !commit) throw new Error(`cannot tell the provider version/commit of ${source}; pass --version and --commit\n${usage}`);
  if (!fs.existsSync(packageDir)) throw new Error(`${packageDir} does not exist; pass --package <dir> (the Go package holding Provider())`);

  const started = performance.now();
  const files = readGoPackage(packageDir);
  const { schema, notes, locations } = deriveProviderSchema(files, { fqpn, version, providerFunction: String(argv.function ?? "Provider") });
  schema.rdoctl = {
    provider_source: fqpn.split("/").slice(1).join("/"),
    provider_version: version,
    source_repository: String(argv.repository ?? "https://github.com/terraform-provider-openstack/terraform-provider-openstack"),
    source_commit: commit,
    derived_by: "scripts/derive-provider-schema.mjs (terraform-plugin-sdk/v2 CoreConfigSchema rules)",
  };
  const docsRoot = path.join(source, String(argv.docs ?? "docs"));
  const docs = fs.existsSync(docsRoot) ? compareWithDocs(schema.provider_schemas[fqpn], docsRoot, { locations, known: await readKnown(outDir) }) : null;

  await fs.mkdirp(outDir);
  await fs.writeFile(path.join(outDir, "schema.json"), JSON.stringify(schema, null, 1) + "\n");
  const report = { provider_version: version, source_commit: commit, derivation_notes: notes, docs };
  await fs.writeFile(path.join(outDir, "docs-report.json"), JSON.stringify(report, null, 1) + "\n");
  await fs.writeFile(path.join(outDir, "docs-report.md"), renderDocsReport(report));

  const p = schema.provider_schemas[fqpn];
  const ms = Math.round(performance.now() - started);
  console.log(`derived ${Object.keys(p.resource_schemas).length} resources, ${Object.keys(p.data_source_schemas).length} data sources from ${files.length} files in ${ms} ms`);
  console.log(`derivation notes: ${notes.length}; docs mismatches: ${docs ? docs.summary.total : "docs not found"}`);
  console.log(`wrote ${path.relative(process.cwd(), outDir)}/schema.json, docs-report.md, docs-report.json`);
}

main().catch((err) => {
  console.error(`derive-provider-schema: ${err.message}`);
  process.exitCode = 1;
});
