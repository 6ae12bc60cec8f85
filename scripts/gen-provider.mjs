#!/usr/bin/env zx
// Generates the TypeScript bindings for terraform-provider-openstack into
// .gen/providers/openstack from the committed schema (providers/openstack/schema.json),
// offline, with the same generator `cdktf get` uses and the provider constraint from
// cdktf.json, so the result matches what `cdktf get` writes where the registry is reachable.
//
//   npm run provider:gen [-- --schema providers/openstack/schema.json --out .gen --cdk-module cdktf]
//
// --cdk-module names the package the generated code imports its base classes from. The
// generator always writes `cdktf`; for the CDK Terrain fork pass `--cdk-module cdktn`
// and the imports are rewritten after generation.

import { createRequire } from "node:module";
import { argv, fs, path, glob } from "zx";

const require = createRequire(import.meta.url);
const generatorEntry = require.resolve("@cdktf/provider-generator");
const { TerraformProviderGenerator, CodeMaker } = require(generatorEntry);
// Same copy of @cdktf/commons the generator itself uses.
const commons = createRequire(generatorEntry)("@cdktf/commons");

function providerConstraint(cdktfJson, fqpn) {
  const wanted = fqpn.split("/").slice(-2).join("/");
  const entries = (cdktfJson.terraformProviders ?? []).map((p) => new commons.TerraformProviderConstraint(p));
  const match = entries.find((c) => c.source === wanted || c.fqn === wanted);
  if (!match) throw new Error(`cdktf.json terraformProviders has no entry for ${wanted} (found: ${entries.map((c) => c.source).join(", ") || "none"})`);
  return match;
}

async function rewriteImports(dir, moduleName) {
  const files = await glob("**/*.ts", { cwd: dir, absolute: true });
  for (const file of files) {
    const text = await fs.readFile(file, "utf8");
    const rewritten = text.replace(/from 'cdktf'/g, `from '${moduleName}'`).replace(/from "cdktf"/g, `from "${moduleName}"`);
    if (rewritten !== text) await fs.writeFile(file, rewritten);
  }
  return files.length;
}

async function main() {
  const schemaPath = path.resolve(String(argv.schema ?? "providers/openstack/schema.json"));
  const outDir = path.resolve(String(argv.out ?? ".gen"));
  const cdkModule = String(argv["cdk-module"] ?? "cdktf");
  const started = performance.now();

  const schema = JSON.parse(await fs.readFile(schemaPath, "utf8"));
  const fqpns = Object.keys(schema.provider_schemas ?? {});
  if (fqpns.length !== 1) throw new Error(`${schemaPath}: expected exactly one provider, found ${fqpns.length}`);
  const cdktfJson = JSON.parse(await fs.readFile(String(argv.config ?? "cdktf.json"), "utf8"));
  const constraint = providerConstraint(cdktfJson, fqpns[0]);
  const providerDir = path.join(outDir, "providers", constraint.name);

  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  generator.generate(new commons.ConstructsMakerProviderTarget(constraint, commons.LANGUAGES[0]));
  // Generate beside the target and swap it in, so programs importing the bindings while
  // they are regenerated never see a half-written tree, and no stale file survives.
  const staging = path.join(outDir, `.staging-${process.pid}`);
  await fs.remove(staging);
  await code.save(staging);
  const staged = path.join(staging, "providers", constraint.name);
  const files = cdkModule === "cdktf" ? (await glob("**/*.ts", { cwd: staged })).length : await rewriteImports(staged, cdkModule);
  await fs.mkdirp(path.dirname(providerDir));
  const previous = `${providerDir}.previous-${process.pid}`;
  if (await fs.pathExists(providerDir)) await fs.rename(providerDir, previous);
  await fs.rename(staged, providerDir);
  await fs.remove(previous);
  await fs.remove(staging);

  const ms = Math.round(performance.now() - started);
  console.log(`generated ${files} files for ${constraint.source}@${constraint.version ?? "any"} (schema ${schema.provider_versions?.[fqpns[0]] ?? "?"}) into ${path.relative(process.cwd(), providerDir)} in ${ms} ms`);
}

main().catch((err) => {
  console.error(`gen-provider: ${err.message}`);
  process.exitCode = 1;
});
