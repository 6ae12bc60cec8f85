#!/usr/bin/env -S npx tsx
// Writes providers/openstack/schema.json from the provider binary itself: `init` of a configuration
// needing only terraform-provider-openstack (from the engine's filesystem mirror, see
// scripts/engine.mjs), then `providers schema -json`. Run `npm run engine` first.
//
//   npm run provider:schema [-- --out providers/openstack/schema.json] [-- --check]
//
// --check compares instead of writing (exit 1 and the first differences when they differ).
// The file is exactly the engine's output plus `provider_versions` (the generator and
// `rdoctl check` read the version there, as `cdktf get` hands it over) and an `rdoctl` record of
// how it was made. OS_* variables are dropped for the run: the SDK turns a Required argument whose
// environment default is set into an optional one, so the schema would depend on the shell.

import { argv, fs, path } from "zx";
import { providerSchemaFromEngine, schemaDifferences } from "../src/cloud/provider-schema.ts";

const root = path.join(import.meta.dirname, "..");
const out = path.resolve(String(argv.out ?? path.join(root, "providers", "openstack", "schema.json")));

try {
  const { schema, text } = providerSchemaFromEngine();
  if (argv.check) {
    const committed = JSON.parse(fs.readFileSync(out, "utf8"));
    const differences = schemaDifferences(committed, schema);
    if (differences.length > 0) {
      process.stderr.write(`${path.relative(process.cwd(), out)} differs from what the provider reports (${differences.length} differences; first ones):\n  ${differences.slice(0, 20).join("\n  ")}\nrun \`npm run provider:schema\` and \`npm run provider:gen\`\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`${path.relative(process.cwd(), out)} is what ${schema.rdoctl.engine} reports for ${schema.rdoctl.provider_source} ${schema.rdoctl.provider_version}\n`);
    }
  } else {
    fs.writeFileSync(out, text);
    const entry = Object.values(schema.provider_schemas)[0];
    process.stderr.write(
      `wrote ${path.relative(process.cwd(), out)}: ${Object.keys(entry.resource_schemas ?? {}).length} resources, ${Object.keys(entry.data_source_schemas ?? {}).length} data sources of ${schema.rdoctl.provider_source} ${schema.rdoctl.provider_version} (${schema.rdoctl.engine})\n`,
    );
  }
} catch (error) {
  process.stderr.write(`provider:schema: ${error.message}\n`);
  process.exitCode = 1;
}
