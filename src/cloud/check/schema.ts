import * as fs from "node:fs";
import * as path from "node:path";
import { RdoctlError } from "../../errors";
import { findShipped } from "../../shipped-files";
import { decodeUtf8 } from "../../text-input";

/**
 * The provider schema as `terraform providers schema -json` prints it. Only the fields the
 * checker reads are typed; everything else in the file is carried along untouched.
 */
export interface ProviderSchemaDocument {
  readonly format_version: string;
  readonly provider_schemas: Readonly<Record<string, ProviderSchemaEntry>>;
  /** Provider address → release; `terraform version -json` calls these provider_selections. */
  readonly provider_versions?: Readonly<Record<string, string>>;
}

export interface ProviderSchemaEntry {
  readonly provider: SchemaItem;
  readonly resource_schemas?: Readonly<Record<string, SchemaItem>>;
  readonly data_source_schemas?: Readonly<Record<string, SchemaItem>>;
}

export interface SchemaItem {
  readonly version?: number | string;
  readonly block: SchemaBlock;
}

export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, SchemaAttribute>>;
  readonly block_types?: Readonly<Record<string, SchemaNestedBlock>>;
  readonly deprecated?: boolean;
}

/** cty type in JSON form: `"string"`, `["list", "string"]`, `["object", {…}]`, … */
export type CtyTypeJson = string | readonly [string, unknown] | readonly unknown[];

export interface SchemaAttribute {
  /** Absent when `nested_type` is present (plugin protocol 6 nested attributes). */
  readonly type?: CtyTypeJson;
  readonly nested_type?: {
    readonly nesting_mode: "single" | "list" | "set" | "map";
    readonly attributes: Readonly<Record<string, SchemaAttribute>>;
  };
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
  readonly description?: string;
}

export type NestingMode = "single" | "group" | "list" | "set" | "map";

export interface SchemaNestedBlock {
  readonly nesting_mode: NestingMode;
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

/** What a resource type, a data source type or a provider config resolves to. */
export interface ResolvedSchema {
  /** Registry address of the provider, e.g. `registry.terraform.io/terraform-provider-openstack/openstack`. */
  readonly providerAddress: string;
  readonly block: SchemaBlock;
}

/** The registry host Terraform assumes when a provider source names none. */
const DEFAULT_REGISTRY = "registry.terraform.io";

/** `terraform-provider-openstack/openstack` → `registry.terraform.io/terraform-provider-openstack/openstack`. */
export function canonicalProviderAddress(source: string): string {
  const parts = source.trim().toLowerCase().split("/");
  if (parts.length === 2) return `${DEFAULT_REGISTRY}/${parts[0]}/${parts[1]}`;
  if (parts.length === 1) return `${DEFAULT_REGISTRY}/hashicorp/${parts[0]}`;
  return parts.join("/");
}

/**
 * One or more provider schemas indexed for lookups by type name. Built once per schema file:
 * a multi-megabyte schema is parsed and indexed in tens of milliseconds, then every stack
 * reuses it.
 */
export class ProviderSchema {
  private readonly resources = new Map<string, ResolvedSchema>();
  private readonly dataSources = new Map<string, ResolvedSchema>();
  private readonly providers = new Map<string, ProviderSchemaEntry>();

  constructor(
    readonly document: ProviderSchemaDocument,
    /** Where it was read from, for messages. */
    readonly origin: string = "<schema>",
  ) {
    for (const [address, entry] of Object.entries(document.provider_schemas ?? {})) {
      const canonical = canonicalProviderAddress(address);
      this.providers.set(canonical, entry);
      for (const [type, item] of Object.entries(entry.resource_schemas ?? {})) {
        this.resources.set(type, { providerAddress: canonical, block: item.block });
      }
      for (const [type, item] of Object.entries(entry.data_source_schemas ?? {})) {
        this.dataSources.set(type, { providerAddress: canonical, block: item.block });
      }
    }
  }

  resource(type: string): ResolvedSchema | undefined {
    return this.resources.get(type);
  }

  dataSource(type: string): ResolvedSchema | undefined {
    return this.dataSources.get(type);
  }

  /** The provider's own configuration block, by source (`terraform-provider-openstack/openstack`). */
  provider(source: string): ProviderSchemaEntry | undefined {
    return this.providers.get(canonicalProviderAddress(source));
  }

  hasProvider(source: string): boolean {
    return this.providers.has(canonicalProviderAddress(source));
  }

  /**
   * The provider release the schema was taken from, when the file records it (`provider_versions`,
   * or `provider_selections` as `terraform version -json` names them).
   */
  providerRelease(address: string): string | undefined {
    const canonical = canonicalProviderAddress(address);
    const doc = this.document as ProviderSchemaDocument & { provider_selections?: Record<string, string> };
    for (const table of [doc.provider_versions, doc.provider_selections]) {
      for (const [key, version] of Object.entries(table ?? {})) {
        if (canonicalProviderAddress(key) === canonical && typeof version === "string") return version;
      }
    }
    return undefined;
  }

  /** Provider addresses this schema describes. */
  providerAddresses(): string[] {
    return [...this.providers.keys()];
  }

  resourceTypes(): IterableIterator<string> {
    return this.resources.keys();
  }

  dataSourceTypes(): IterableIterator<string> {
    return this.dataSources.keys();
  }

  /** Resource types whose provider is `providerAddress`, for did-you-mean among one provider. */
  resourceTypesOf(providerAddress: string, kind: "resource" | "data"): string[] {
    const map = kind === "resource" ? this.resources : this.dataSources;
    const out: string[] = [];
    for (const [type, resolved] of map) if (resolved.providerAddress === providerAddress) out.push(type);
    return out;
  }
}

export function parseProviderSchema(text: string, origin: string): ProviderSchema {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new RdoctlError(`${origin}: not valid JSON (${(err as Error).message}); expected the output of \`terraform providers schema -json\``);
  }
  if (typeof document !== "object" || document === null || typeof (document as ProviderSchemaDocument).provider_schemas !== "object") {
    throw new RdoctlError(`${origin}: no "provider_schemas" object; expected the output of \`terraform providers schema -json\``);
  }
  return new ProviderSchema(document as ProviderSchemaDocument, origin);
}

const loaded = new Map<string, { mtimeMs: number; size: number; schema: ProviderSchema }>();

/**
 * Reads and indexes a schema file, once per process: later calls for the same unchanged file
 * return the same index, so test files that check many stacks pay for the parse once.
 */
export function loadProviderSchema(file: string): ProviderSchema {
  const absolute = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    throw new RdoctlError(`provider schema ${file} not found; pass --schema FILE (the output of \`terraform providers schema -json\`)`);
  }
  const cached = loaded.get(absolute);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.schema;
  const schema = parseProviderSchema(decodeUtf8(fs.readFileSync(absolute), file), file);
  loaded.set(absolute, { mtimeMs: stat.mtimeMs, size: stat.size, schema });
  return schema;
}

const SHIPPED_SCHEMA = path.join("providers", "openstack", "schema.json");

/** The schema rdoctl ships: providers/openstack/schema.json in the package. */
export function defaultSchemaPath(from: string = __dirname): string {
  const found = findShipped(SHIPPED_SCHEMA, from);
  if (found) return found;
  throw new RdoctlError(`the provider schema ${SHIPPED_SCHEMA} was not found above ${from}; pass --schema FILE (the output of \`terraform providers schema -json\`)`);
}
