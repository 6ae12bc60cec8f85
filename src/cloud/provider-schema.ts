import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { RdoctlError } from "../errors";
import { locateEngine, readEnginePin, runEngine, type EngineStatus } from "./engine";

/**
 * The provider schema as the pinned terraform-provider-openstack binary reports it, through the
 * located engine (`providers schema -json`). providers/openstack/schema.json is this, written by
 * `npm run provider:schema`; a test compares the two wherever an engine is present.
 */

export interface ProviderSchemaFile {
  readonly format_version: string;
  readonly provider_schemas: Readonly<Record<string, unknown>>;
  /** Where the generator and `rdoctl check` read the provider version (as `cdktf get` hands it over). */
  readonly provider_versions: Readonly<Record<string, string>>;
  readonly rdoctl: {
    readonly provider_source: string;
    readonly provider_version: string;
    readonly go_module: string;
    readonly engine: string;
    readonly made_by: string;
  };
}

/** `init` of a configuration needing only the pinned provider; the directory is ready for `providers schema` or `validate`. */
export function initProviderOnly(status: EngineStatus, dir: string): void {
  writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify({ terraform: { required_providers: { openstack: { source: status.provider.source, version: status.provider.version } } } }),
  );
  const init = runEngine(status, ["init", "-input=false", "-no-color", "-backend=false"], dir);
  if (init.status !== 0) throw new RdoctlError(`${status.engine?.kind ?? "terraform"} init in ${dir} failed: ${lastLines(init.stderr || init.stdout)}`);
}

export function providerSchemaFromEngine(status: EngineStatus = locateEngine()): { schema: ProviderSchemaFile; text: string } {
  if (status.problems.length > 0) throw new RdoctlError(status.problems.map((p) => `${p.what}: ${p.fix}`).join("; "));
  const dir = mkdtempSync(path.join(tmpdir(), "rdoctl-schema-"));
  try {
    initProviderOnly(status, dir);
    const run = runEngine(status, ["providers", "schema", "-json"], dir);
    if (run.status !== 0) throw new RdoctlError(`${status.engine!.kind} providers schema -json failed: ${lastLines(run.stderr)}`);
    const reported = JSON.parse(run.stdout) as { format_version: string; provider_schemas: Record<string, unknown> };
    const addresses = Object.keys(reported.provider_schemas);
    if (addresses.length !== 1) throw new RdoctlError(`expected the schema of one provider, got ${addresses.join(", ") || "none"}`);
    const pin = status.provider;
    const schema: ProviderSchemaFile = {
      format_version: reported.format_version,
      provider_schemas: reported.provider_schemas,
      provider_versions: { [addresses[0]!]: pin.version },
      rdoctl: {
        provider_source: pin.source,
        provider_version: pin.version,
        go_module: `${readEnginePin().provider.goModule}@v${pin.version}`,
        engine: `${status.engine!.kind} ${status.engine!.version}`,
        made_by: "npm run provider:schema: `providers schema -json` of the provider binary that scripts/engine.mjs built with go install",
      },
    };
    return { schema, text: `${JSON.stringify(schema, null, 1)}\n` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where two schema files differ, as JSON paths, ignoring the `rdoctl` record (which engine wrote it)
 * and the registry host of the provider address (OpenTofu reports registry.opentofu.org).
 */
export function schemaDifferences(committed: unknown, real: unknown): string[] {
  const normalize = (doc: unknown) => {
    const { rdoctl: _made, ...rest } = doc as Record<string, unknown>;
    return JSON.parse(JSON.stringify(rest).replace(/registry\.(?:terraform|opentofu)\.io|registry\.opentofu\.org/g, "registry")) as unknown;
  };
  const out: string[] = [];
  diff(normalize(committed), normalize(real), "$", out);
  return out;
}

function diff(a: unknown, b: unknown, where: string, out: string[]): void {
  if (out.length >= 200) return;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    out.push(`${where}: committed ${JSON.stringify(a)?.slice(0, 80)}, provider ${JSON.stringify(b)?.slice(0, 80)}`);
    return;
  }
  if (a !== null && typeof a === "object") {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const at = Array.isArray(a) ? `${where}[${key}]` : `${where}.${key}`;
      if (!(key in left)) out.push(`${at}: only the provider has it`);
      else if (!(key in right)) out.push(`${at}: only the committed file has it`);
      else diff(left[key], right[key], at, out);
    }
    return;
  }
  if (a !== b) out.push(`${where}: committed ${JSON.stringify(a)?.slice(0, 80)}, provider ${JSON.stringify(b)?.slice(0, 80)}`);
}

function lastLines(text: string): string {
  return text.trim().split("\n").filter((line) => line.trim()).slice(-3).join(" | ");
}
