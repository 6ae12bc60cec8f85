import { suggest } from "./suggest";
import type { Reference } from "./expressions";
import { canonicalProviderAddress, type ProviderSchema, type SchemaBlock } from "./schema";

/** A resource or data source as the stack declares it. */
export interface Declared {
  readonly kind: "resource" | "data";
  readonly type: string;
  readonly name: string;
  /** `openstack_x.name` or `data.openstack_x.name`. */
  readonly address: string;
  readonly constructPath?: string;
  readonly body: unknown;
}

export type TypeResolution =
  | { readonly kind: "known"; readonly block: SchemaBlock; readonly providerAddress: string }
  | { readonly kind: "unknown"; readonly hint: string }
  /** Its provider has no schema here: nothing about it can be checked. */
  | { readonly kind: "unchecked"; readonly local: string };

/** Providers Terraform builds in: no schema file describes them, no finding should name them. */
const BUILTIN_PROVIDERS = new Set(["terraform"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Everything a stack declares that references can point at, and how its types map to providers. */
export class StackDeclarations {
  readonly resources: Declared[] = [];
  readonly dataSources: Declared[] = [];
  readonly requiredProviders = new Map<string, { source?: string; version?: string }>();
  readonly variables: Set<string>;
  /** Variables declared with `sensitive = true`. */
  readonly sensitiveVariables: Set<string>;
  readonly locals: Set<string>;
  readonly modules: Set<string>;
  private readonly providerConfigs = new Map<string, Set<string>>();
  private readonly byAddress = new Map<string, Declared>();
  private readonly namesByType = new Map<string, string[]>();
  private readonly resolutions = new Map<Declared, TypeResolution>();

  constructor(root: Record<string, unknown>, private readonly schema: ProviderSchema) {
    this.collect(root.resource, "resource", this.resources);
    this.collect(root.data, "data", this.dataSources);
    this.variables = new Set(isObject(root.variable) ? Object.keys(root.variable) : []);
    this.sensitiveVariables = new Set(
      isObject(root.variable) ? Object.entries(root.variable).filter(([, v]) => isObject(v) && (v.sensitive === true || v.sensitive === "true")).map(([k]) => k) : [],
    );
    this.locals = new Set(isObject(root.locals) ? Object.keys(root.locals) : []);
    this.modules = new Set(isObject(root.module) ? Object.keys(root.module) : []);
    const required = isObject(root.terraform) ? root.terraform.required_providers : undefined;
    // Terraform JSON allows required_providers as an object or a list of objects.
    for (const group of Array.isArray(required) ? required : [required]) {
      if (!isObject(group)) continue;
      for (const [local, spec] of Object.entries(group)) {
        if (typeof spec === "string") this.requiredProviders.set(local, { version: spec });
        else if (isObject(spec)) {
          this.requiredProviders.set(local, {
            ...(typeof spec.source === "string" ? { source: spec.source } : {}),
            ...(typeof spec.version === "string" ? { version: spec.version } : {}),
          });
        }
      }
    }
    if (isObject(root.provider)) {
      for (const [local, value] of Object.entries(root.provider)) {
        const aliases = new Set<string>();
        for (const config of Array.isArray(value) ? value : [value]) aliases.add(isObject(config) && typeof config.alias === "string" ? config.alias : "");
        this.providerConfigs.set(local, aliases);
      }
    }
  }

  private collect(section: unknown, kind: "resource" | "data", into: Declared[]): void {
    if (!isObject(section)) return;
    for (const [type, byName] of Object.entries(section)) {
      if (!isObject(byName)) continue;
      for (const [name, body] of Object.entries(byName)) {
        const path = isObject(body) ? ((body["//"] as { metadata?: { path?: unknown } } | undefined)?.metadata?.path) : undefined;
        const address = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        const declared: Declared = { kind, type, name, address, ...(typeof path === "string" ? { constructPath: path } : {}), body };
        into.push(declared);
        this.byAddress.set(address, declared);
        const key = `${kind}:${type}`;
        const names = this.namesByType.get(key) ?? [];
        names.push(name);
        this.namesByType.set(key, names);
      }
    }
  }

  lookup(kind: "resource" | "data", type: string, name: string): Declared | undefined {
    return this.byAddress.get(kind === "data" ? `data.${type}.${name}` : `${type}.${name}`);
  }

  namesOfType(kind: "resource" | "data", type: string): readonly string[] {
    return this.namesByType.get(`${kind}:${type}`) ?? [];
  }

  declaredTypes(kind: "resource" | "data"): string[] {
    const out: string[] = [];
    for (const key of this.namesByType.keys()) if (key.startsWith(`${kind}:`)) out.push(key.slice(kind.length + 1));
    return out;
  }

  sourceOf(local: string): string | undefined {
    return this.requiredProviders.get(local)?.source;
  }

  /**
   * The schema's provider for a local provider name: the declared source when the schema has
   * it, else a schema provider of the same name (so a stack that forgot or misspelt its
   * required_providers entry still gets its resources checked; that mistake is reported apart).
   */
  providerAddressFor(local: string): string | undefined {
    const source = this.sourceOf(local);
    if (source && this.schema.hasProvider(source)) return canonicalProviderAddress(source);
    return this.schema.providerAddresses().find((address) => address.split("/").pop() === local);
  }

  /** The local provider name a resource uses: its `provider` meta-argument, else its type's prefix. */
  localProviderOf(d: Declared): string {
    const meta = isObject(d.body) && typeof d.body.provider === "string" ? /^(?:\$\{)?([A-Za-z0-9_-]+)/.exec(d.body.provider)?.[1] : undefined;
    return meta ?? d.type.split("_")[0]!;
  }

  resolveType(d: Declared): TypeResolution {
    const cached = this.resolutions.get(d);
    if (cached) return cached;
    const resolution = this.resolve(d);
    this.resolutions.set(d, resolution);
    return resolution;
  }

  private resolve(d: Declared): TypeResolution {
    const local = this.localProviderOf(d);
    const address = this.providerAddressFor(local);
    const found = d.kind === "data" ? this.schema.dataSource(d.type) : this.schema.resource(d.type);
    if (found && (address === undefined || found.providerAddress === address)) return { kind: "known", block: found.block, providerAddress: found.providerAddress };
    if (address === undefined && (BUILTIN_PROVIDERS.has(local) || this.requiredProviders.has(local))) return { kind: "unchecked", local };
    const candidates = address ? this.schema.resourceTypesOf(address, d.kind) : [...(d.kind === "data" ? this.schema.dataSourceTypes() : this.schema.resourceTypes())];
    const hint = suggest(d.type, candidates);
    const where = address ? ` in ${address.replace(/^registry\.terraform\.io\//, "")}` : ` (no provider "${local}" is declared)`;
    return { kind: "unknown", hint: `${where}${hint}` };
  }

  /** True when a resource, data source or provider block of this stack belongs to `address`. */
  usesProvider(address: string, local: string): boolean {
    if (this.providerConfigs.has(local)) return true;
    for (const d of [...this.resources, ...this.dataSources]) {
      if (this.localProviderOf(d) === local) return true;
      const r = this.resolveType(d);
      if (r.kind === "known" && r.providerAddress === address) return true;
    }
    return false;
  }

  hasProviderConfig(local: string, alias: string | undefined): boolean {
    const aliases = this.providerConfigs.get(local);
    if (alias === undefined) return true; // the default configuration may be implied (empty)
    return aliases !== undefined && aliases.has(alias);
  }

  providerConfigNames(): string[] {
    const out: string[] = [];
    for (const [local, aliases] of this.providerConfigs) for (const a of aliases) out.push(a ? `${local}.${a}` : local);
    return out;
  }

  /** Why a depends_on entry points nowhere, or undefined when it names a declared object. */
  dependsOnTarget(ref: Reference): string | undefined {
    const attrs = ref.steps.map((s) => (s.kind === "attr" ? s.name : undefined));
    if (ref.steps.some((s) => s.kind !== "attr")) return `${ref.text}: depends_on names whole resources, not instances or attributes`;
    if (ref.root === "module") {
      if (attrs.length !== 1) return `${ref.text}: depends_on names a whole module (module.NAME)`;
      return this.modules.has(attrs[0]!) ? undefined : `${ref.text}: no module "${attrs[0]}" in this stack${suggest(attrs[0]!, this.modules)}`;
    }
    const kind = ref.root === "data" ? "data" : "resource";
    const [type, name, ...rest] = kind === "data" ? attrs : [ref.root, ...attrs];
    if (!type || !name) return `${ref.text}: expected TYPE.NAME`;
    if (rest.length > 0) return `${ref.text}: depends_on names whole resources, not attributes; use ${kind === "data" ? "data." : ""}${type}.${name}`;
    const missing = this.missingTarget(kind, type, name);
    return missing && `${ref.text}: ${missing}`;
  }

  /** Why `type.name` does not resolve to a declared resource/data source, or undefined. */
  missingTarget(kind: "resource" | "data", type: string, name: string): string | undefined {
    if (this.lookup(kind, type, name)) return undefined;
    const names = this.namesOfType(kind, type);
    const noun = kind === "data" ? "data source" : "resource";
    if (names.length === 0) {
      return `the stack declares no ${noun} of type ${type}${suggest(type, this.declaredTypes(kind))}`;
    }
    return `no ${type} ${noun} named "${name}"${suggest(name, names) || `; declared: ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}`}`;
  }
}
