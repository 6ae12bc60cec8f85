import { suggest } from "./suggest";
import { checkLiteral, isTemplate, parseCtyType } from "./cty";
import { dependsOnReference, referencesInTemplate } from "./expressions";
import type { FindingRule, SchemaFinding } from "./findings";
import { checkReference, isSensitiveReference, type ReferenceScope } from "./references";
import { StackDeclarations, type Declared } from "./declarations";
import { canonicalProviderAddress, type ProviderSchema, type SchemaBlock, type SchemaNestedBlock } from "./schema";
import { satisfiesConstraint } from "./version-constraint";

export interface CheckOptions {
  /** Stack name for the findings. @default the `//` metadata's stackName, else "stack" */
  readonly stack?: string;
  /** File named at the start of each finding line. @default "cdk.tf.json" */
  readonly file?: string;
}

/** Meta-arguments Terraform accepts on every resource, beside the schema's own attributes. */
const RESOURCE_META = new Set(["count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection", "//"]);
/** Data sources take no provisioners, connections or create/destroy lifecycle settings. */
const DATA_META = new Set(["count", "for_each", "depends_on", "lifecycle", "provider", "//"]);
const RESOURCE_LIFECYCLE = new Set(["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by", "precondition", "postcondition"]);
const DATA_LIFECYCLE = new Set(["precondition", "postcondition"]);
const PROVIDER_META = new Set(["alias", "version", "//"]);
const OUTPUT_KEYS = new Set(["value", "description", "sensitive", "depends_on", "precondition", "ephemeral", "//"]);

type Path = readonly (string | number)[];

function formatPath(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Where a finding is raised: one resource, data source, provider config, output or the terraform block. */
interface Site {
  readonly address: string;
  readonly constructPath?: string;
}

/**
 * Checks one synthesized stack (the parsed cdk.tf.json) against provider schemas: resource and
 * data source types, attributes and blocks, literal types, block counts and shapes,
 * meta-arguments, references, the provider configuration and `terraform.required_providers`.
 *
 * Resources of providers the schema does not describe (e.g. hashicorp/random) are reported once
 * as unchecked warnings, never as unknown.
 */
export function checkSynthesizedStack(tfJson: unknown, schema: ProviderSchema, options: CheckOptions = {}): SchemaFinding[] {
  return new StackChecker(tfJson, schema, options).run();
}

class StackChecker {
  private readonly findings: SchemaFinding[] = [];
  private readonly root: Record<string, unknown>;
  private readonly stack: string;
  private readonly file: string;
  private readonly decl: StackDeclarations;
  private readonly uncheckedProviders = new Map<string, number>();

  constructor(tfJson: unknown, private readonly schema: ProviderSchema, options: CheckOptions) {
    this.root = isObject(tfJson) ? tfJson : {};
    const meta = (this.root["//"] as { metadata?: { stackName?: unknown } } | undefined)?.metadata;
    this.stack = options.stack ?? (typeof meta?.stackName === "string" ? meta.stackName : "stack");
    this.file = options.file ?? "cdk.tf.json";
    this.decl = new StackDeclarations(this.root, schema);
  }

  run(): SchemaFinding[] {
    if (!isObject(this.root) || Object.keys(this.root).length === 0) {
      this.report({ address: "<root>" }, [], "unknown-type", "error", "not a synthesized Terraform JSON configuration (empty or not an object)");
      return this.findings;
    }
    this.checkRequiredProviders();
    this.checkProviderConfigs();
    for (const d of this.decl.resources) this.checkDeclared(d);
    for (const d of this.decl.dataSources) this.checkDeclared(d);
    this.checkOutputs();
    this.checkLocals();
    for (const [local, count] of this.uncheckedProviders) {
      this.report({ address: `provider.${local}` }, [], "unchecked", "warning", `no schema for provider "${local}" (${this.decl.sourceOf(local) ?? "not in required_providers"}); its ${count} resource(s) and data source(s) were not checked`);
    }
    return this.findings;
  }

  private report(site: Site, path: Path, rule: FindingRule, severity: "error" | "warning", message: string): void {
    this.findings.push({
      severity,
      file: this.file,
      stack: this.stack,
      address: site.address,
      ...(site.constructPath ? { constructPath: site.constructPath } : {}),
      attributePath: formatPath(path),
      message,
      rule,
    });
  }

  // ---- terraform.required_providers -------------------------------------------------------

  private checkRequiredProviders(): void {
    const site = { address: "terraform" };
    for (const address of this.schema.providerAddresses()) {
      const local = address.split("/").pop()!;
      const used = this.decl.usesProvider(address, local);
      if (!used) continue;
      const declared = this.decl.requiredProviders.get(local);
      const wanted = address.replace(/^registry\.terraform\.io\//, "");
      const version = this.schema.providerRelease(address);
      if (!declared) {
        this.report(site, ["required_providers", local], "required-providers", "error", `provider "${local}" is used but not declared; expected {"source": "${wanted}"${version ? `, "version": "~> ${version.split(".").slice(0, 2).join(".")}"` : ""}}`);
        continue;
      }
      if (!declared.source || canonicalProviderAddress(declared.source) !== address) {
        this.report(site, ["required_providers", local, "source"], "required-providers", "error", `source is ${JSON.stringify(declared.source ?? null)}; expected "${wanted}" (without it Terraform looks for hashicorp/${local}, which does not exist)`);
      }
      if (declared.version && version && satisfiesConstraint(version, declared.version) === false) {
        this.report(site, ["required_providers", local, "version"], "required-providers", "warning", `constraint "${declared.version}" excludes ${version}, the provider version the schema was taken from`);
      }
    }
  }

  // ---- provider configuration -------------------------------------------------------------

  private checkProviderConfigs(): void {
    const providers = this.root.provider;
    if (providers === undefined) return;
    if (!isObject(providers)) {
      this.report({ address: "provider" }, [], "provider", "error", "expected an object of provider configurations");
      return;
    }
    for (const [local, value] of Object.entries(providers)) {
      const configs = Array.isArray(value) ? value : [value];
      const address = this.decl.providerAddressFor(local);
      const entry = address ? this.schema.provider(address) : undefined;
      const aliases = new Set<string>();
      configs.forEach((config, i) => {
        const site = { address: `provider.${local}` };
        const path: Path = Array.isArray(value) ? [i] : [];
        if (!isObject(config)) {
          this.report(site, path, "provider", "error", "a provider configuration must be an object");
          return;
        }
        const alias = typeof config.alias === "string" ? config.alias : "";
        if (aliases.has(alias)) this.report(site, path, "provider", "error", alias ? `duplicate alias "${alias}"` : "more than one default configuration (without alias)");
        aliases.add(alias);
        if (config.version !== undefined) this.report(site, [...path, "version"], "deprecated", "warning", "version inside a provider block is deprecated; put it in terraform.required_providers");
        if (entry) this.checkBlock(config, entry.provider.block, site, path, PROVIDER_META);
        this.checkReferencesIn(config, site, path, { countSet: false, forEachSet: false, iterators: new Set() });
      });
    }
  }

  // ---- resources and data sources -----------------------------------------------------------

  private checkDeclared(d: Declared): void {
    const site: Site = { address: d.address, ...(d.constructPath ? { constructPath: d.constructPath } : {}) };
    const body = d.body;
    if (!isObject(body)) {
      this.report(site, [], "block-shape", "error", `expected an object, got ${Array.isArray(body) ? "a list" : typeof body}`);
      return;
    }
    const resolution = this.decl.resolveType(d);
    if (resolution.kind === "unchecked") {
      // Terraform's built-in provider (terraform_data, terraform_remote_state) needs no schema and no warning.
      if (resolution.local !== "terraform") this.uncheckedProviders.set(resolution.local, (this.uncheckedProviders.get(resolution.local) ?? 0) + 1);
    } else if (resolution.kind === "unknown") {
      this.report(site, [], "unknown-type", "error", `unknown ${d.kind === "data" ? "data source" : "resource"} type "${d.type}"${resolution.hint}`);
    } else {
      this.checkBlock(body, resolution.block, site, [], d.kind === "data" ? DATA_META : RESOURCE_META);
    }
    this.checkMetaArguments(d, body, site, resolution.kind === "known" ? resolution.block : undefined);
    this.checkReferencesIn(body, site, [], { countSet: body.count !== undefined, forEachSet: body.for_each !== undefined, iterators: new Set() }, new Set(["depends_on", "//", "provider"]));
  }

  private checkMetaArguments(d: Declared, body: Record<string, unknown>, site: Site, block: SchemaBlock | undefined): void {
    if (body.count !== undefined && body.for_each !== undefined) {
      this.report(site, ["for_each"], "meta-argument", "error", "count and for_each cannot both be set");
    }
    const count = body.count;
    if (count !== undefined && count !== null && !(typeof count === "string" && isTemplate(count))) {
      const n = typeof count === "string" && /^\d+$/.test(count) ? Number(count) : count;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) this.report(site, ["count"], "meta-argument", "error", `count must be a whole number ≥ 0 or an expression, got ${JSON.stringify(count)}`);
    }
    const forEach = body.for_each;
    if (forEach !== undefined && forEach !== null && typeof forEach !== "object" && !(typeof forEach === "string" && isTemplate(forEach))) {
      this.report(site, ["for_each"], "meta-argument", "error", `for_each must be a map, a set of strings or an expression, got ${JSON.stringify(forEach)}`);
    }
    if (body.depends_on !== undefined) this.checkDependsOn(body.depends_on, site, ["depends_on"]);
    if (body.provider !== undefined) {
      const ref = typeof body.provider === "string" ? /^(?:\$\{)?([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?\}?$/.exec(body.provider) : null;
      if (!ref) this.report(site, ["provider"], "meta-argument", "error", `provider must be "NAME" or "NAME.ALIAS", got ${JSON.stringify(body.provider)}`);
      else if (!this.decl.hasProviderConfig(ref[1]!, ref[2])) {
        const known = this.decl.providerConfigNames();
        this.report(site, ["provider"], "meta-argument", "error", `no provider configuration "${ref[2] ? `${ref[1]}.${ref[2]}` : ref[1]}" in this stack${suggest(ref[2] ? `${ref[1]}.${ref[2]}` : ref[1]!, known)}`);
      }
    }
    const lifecycle = body.lifecycle;
    if (lifecycle !== undefined) {
      const allowed = d.kind === "data" ? DATA_LIFECYCLE : RESOURCE_LIFECYCLE;
      if (!isObject(lifecycle)) this.report(site, ["lifecycle"], "meta-argument", "error", "lifecycle must be an object");
      else {
        for (const key of Object.keys(lifecycle)) {
          if (!allowed.has(key) && key !== "//") this.report(site, ["lifecycle", key], "meta-argument", "error", `not a lifecycle argument${d.kind === "data" ? " of a data source" : ""}${suggest(key, allowed)}`);
        }
        this.checkIgnoreChanges(lifecycle.ignore_changes, site, block);
      }
    }
    if (d.kind === "resource") {
      for (const key of ["provisioner", "connection"] as const) {
        const v = body[key];
        if (v !== undefined && typeof v !== "object") this.report(site, [key], "meta-argument", "error", `${key} must be an object or a list of objects`);
      }
    }
  }

  private checkIgnoreChanges(value: unknown, site: Site, block: SchemaBlock | undefined): void {
    if (value === undefined || value === "all" || value === "${all}") return;
    if (!Array.isArray(value)) {
      this.report(site, ["lifecycle", "ignore_changes"], "meta-argument", "error", `ignore_changes must be "all" or a list of attribute names, got ${JSON.stringify(value)}`);
      return;
    }
    if (!block) return;
    value.forEach((entry, i) => {
      if (typeof entry !== "string") return;
      const name = /^(?:\$\{)?([A-Za-z_][A-Za-z0-9_-]*)/.exec(entry)?.[1];
      if (name && !(block.attributes && name in block.attributes) && !(block.block_types && name in block.block_types)) {
        this.report(site, ["lifecycle", "ignore_changes", i], "meta-argument", "error", `"${name}" is not an attribute or block of this type${suggest(name, this.namesOf(block))}`);
      }
    });
  }

  private checkDependsOn(value: unknown, site: Site, path: Path): void {
    if (!Array.isArray(value)) {
      this.report(site, path, "depends-on", "error", "depends_on must be a list of references");
      return;
    }
    value.forEach((entry, i) => {
      if (typeof entry !== "string") {
        this.report(site, [...path, i], "depends-on", "error", `expected a reference such as "openstack_x.name", got ${JSON.stringify(entry)}`);
        return;
      }
      const ref = dependsOnReference(entry);
      if (!ref) {
        this.report(site, [...path, i], "depends-on", "error", `${JSON.stringify(entry)} is not a reference to a resource, data source or module`);
        return;
      }
      const problem = this.decl.dependsOnTarget(ref);
      if (problem) this.report(site, [...path, i], "depends-on", "error", problem);
    });
  }

  // ---- outputs and locals ---------------------------------------------------------------------

  private checkOutputs(): void {
    const outputs = this.root.output;
    if (!isObject(outputs)) return;
    for (const [name, body] of Object.entries(outputs)) {
      const site = { address: `output.${name}` };
      if (!isObject(body)) {
        this.report(site, [], "block-shape", "error", "an output must be an object");
        continue;
      }
      if (!("value" in body)) this.report(site, ["value"], "missing-required", "error", "an output needs a value");
      for (const key of Object.keys(body)) {
        if (!OUTPUT_KEYS.has(key)) this.report(site, [key], "unknown-attribute", "error", `not an output argument${suggest(key, OUTPUT_KEYS)}`);
      }
      if (body.depends_on !== undefined) this.checkDependsOn(body.depends_on, site, ["depends_on"]);
      this.checkReferencesIn(body, site, [], { countSet: false, forEachSet: false, iterators: new Set() }, new Set(["depends_on", "//"]));
      if (body.sensitive !== true && body.sensitive !== "true") this.checkOutputSensitivity(body.value, site);
    }
  }

  /** Terraform refuses to plan an output that carries a sensitive value without `sensitive = true`. */
  private checkOutputSensitivity(value: unknown, site: Site): void {
    const strings: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === "string") strings.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (isObject(v)) Object.values(v).forEach(collect);
    };
    collect(value);
    for (const text of strings) {
      if (!isTemplate(text)) continue;
      const ref = referencesInTemplate(text).find((r) => isSensitiveReference(r, this.decl));
      if (ref) {
        this.report(site, ["sensitive"], "sensitive-output", "error", `the value reads ${ref.text}, which is sensitive; set sensitive = true on the output (Terraform refuses to plan otherwise)`);
        return;
      }
    }
  }

  private checkLocals(): void {
    const locals = this.root.locals;
    if (!isObject(locals)) return;
    for (const [name, value] of Object.entries(locals)) {
      this.checkReferencesIn(value, { address: `local.${name}` }, [], { countSet: false, forEachSet: false, iterators: new Set() });
    }
  }

  // ---- schema blocks --------------------------------------------------------------------------

  private namesOf(block: SchemaBlock): string[] {
    return [...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})];
  }

  private checkBlock(body: Record<string, unknown>, block: SchemaBlock, site: Site, path: Path, meta: ReadonlySet<string> = new Set(["//"])): void {
    const attributes = block.attributes ?? {};
    const blockTypes = block.block_types ?? {};
    const dynamicNames = new Set<string>();
    for (const [key, value] of Object.entries(body)) {
      if (key in attributes) {
        this.checkAttribute(key, value, attributes[key]!, site, [...path, key]);
      } else if (key in blockTypes) {
        this.checkNestedBlocks(value, blockTypes[key]!, site, [...path, key]);
      } else if (key === "dynamic") {
        this.checkDynamic(value, blockTypes, site, [...path, key], dynamicNames);
      } else if (!meta.has(key)) {
        const rule: FindingRule = isObject(value) || (Array.isArray(value) && value.some(isObject)) ? "unknown-block" : "unknown-attribute";
        const what = rule === "unknown-block" ? "block" : "attribute";
        const hint = key === "timeouts" ? "; this type declares no timeouts" : suggest(key, this.namesOf(block));
        this.report(site, [...path, key], rule, "error", `unknown ${what} "${key}"${hint}`);
      }
    }
    for (const [name, attr] of Object.entries(attributes)) {
      if (attr.required && (body[name] === undefined || body[name] === null)) {
        this.report(site, [...path, name], "missing-required", "error", `missing required attribute "${name}"`);
      }
    }
    for (const [name, nested] of Object.entries(blockTypes)) {
      const min = nested.min_items ?? 0;
      if (min > 0 && !dynamicNames.has(name) && (body[name] === undefined || body[name] === null)) {
        this.report(site, [...path, name], "missing-required", "error", `missing required block "${name}" (at least ${min})`);
      }
    }
  }

  private checkAttribute(name: string, value: unknown, attr: NonNullable<SchemaBlock["attributes"]>[string], site: Site, path: Path): void {
    if (attr.computed && !attr.optional && !attr.required) {
      this.report(site, path, "computed-only", "error", `"${name}" is computed by the provider and cannot be set`);
      return;
    }
    if (attr.deprecated) this.report(site, path, "deprecated", "warning", `"${name}" is deprecated by the provider`);
    if (attr.nested_type) {
      const t = attr.nested_type;
      const objectType: ["object", Record<string, unknown>, string[]] = ["object", {}, []];
      for (const [k, a] of Object.entries(t.attributes)) {
        objectType[1][k] = a.type ?? "dynamic";
        if (!a.required) objectType[2].push(k);
      }
      const wrapped = t.nesting_mode === "single" ? objectType : [t.nesting_mode, objectType];
      this.reportTypeProblems(value, wrapped, site, path);
      return;
    }
    this.reportTypeProblems(value, attr.type, site, path);
  }

  private reportTypeProblems(value: unknown, typeJson: Parameters<typeof parseCtyType>[0], site: Site, path: Path): void {
    for (const problem of checkLiteral(value, parseCtyType(typeJson))) {
      const at = formatPath(path) + problem.subPath;
      this.findings.push({
        severity: problem.severity,
        file: this.file,
        stack: this.stack,
        address: site.address,
        ...(site.constructPath ? { constructPath: site.constructPath } : {}),
        attributePath: at,
        message: problem.message,
        rule: "type",
      });
    }
  }

  /**
   * HCL's JSON syntax takes a block as an object (one block) or a list of objects (several);
   * a `single` block allows one, `list`/`set` between min_items and max_items, and a `map`
   * block is an object of labels to blocks.
   */
  private checkNestedBlocks(value: unknown, nested: SchemaNestedBlock, site: Site, path: Path): void {
    if (value === null) return;
    const name = String(path[path.length - 1]);
    if (typeof value === "string") {
      const message = isTemplate(value)
        ? `"${name}" is a block; it cannot be set from an expression (use a dynamic block)`
        : `"${name}" is a block; expected an object, got a string`;
      this.report(site, path, "block-shape", "error", message);
      return;
    }
    if (typeof value !== "object") {
      this.report(site, path, "block-shape", "error", `"${name}" is a block; expected an object or a list of objects, got ${JSON.stringify(value)}`);
      return;
    }
    if (nested.nesting_mode === "map") {
      if (!isObject(value)) {
        this.report(site, path, "block-shape", "error", `"${name}" is a map of blocks; expected an object of labels to blocks`);
        return;
      }
      for (const [label, item] of Object.entries(value)) {
        for (const [i, one] of (Array.isArray(item) ? item : [item]).entries()) {
          const itemPath = Array.isArray(item) ? [...path, label, i] : [...path, label];
          if (isObject(one)) this.checkBlock(one, nested.block, site, itemPath);
          else this.report(site, itemPath, "block-shape", "error", "expected an object");
        }
      }
      return;
    }
    const items = Array.isArray(value) ? value : [value];
    const count = items.length;
    if ((nested.nesting_mode === "single" || nested.nesting_mode === "group") && count > 1) {
      this.report(site, path, "block-count", "error", `"${name}" is a single block; got ${count}`);
    } else if (nested.max_items !== undefined && nested.max_items > 0 && count > nested.max_items) {
      this.report(site, path, "block-count", "error", `too many "${name}" blocks: ${count}, at most ${nested.max_items}`);
    }
    if (nested.min_items !== undefined && count < nested.min_items && count > 0) {
      this.report(site, path, "block-count", "error", `too few "${name}" blocks: ${count}, at least ${nested.min_items}`);
    } else if (nested.min_items !== undefined && nested.min_items > 0 && count === 0) {
      this.report(site, path, "missing-required", "error", `missing required block "${name}" (at least ${nested.min_items})`);
    }
    items.forEach((item, i) => {
      const itemPath = Array.isArray(value) ? [...path, i] : path;
      if (isObject(item)) this.checkBlock(item, nested.block, site, itemPath);
      else this.report(site, itemPath, "block-shape", "error", `each "${name}" block must be an object, got ${JSON.stringify(item)}`);
    });
  }

  /** `"dynamic": {"network": {"for_each": …, "iterator"?: …, "content": {…}}}`. */
  private checkDynamic(value: unknown, blockTypes: Readonly<Record<string, SchemaNestedBlock>>, site: Site, path: Path, names: Set<string>): void {
    if (!isObject(value)) {
      this.report(site, path, "block-shape", "error", "dynamic must be an object of block names");
      return;
    }
    for (const [name, spec] of Object.entries(value)) {
      names.add(name);
      const specs = Array.isArray(spec) ? spec : [spec];
      specs.forEach((one, i) => {
        const at = Array.isArray(spec) ? [...path, name, i] : [...path, name];
        const nested = blockTypes[name];
        if (!nested) {
          this.report(site, at, "unknown-block", "error", `dynamic block for unknown block "${name}"${suggest(name, Object.keys(blockTypes))}`);
          return;
        }
        if (!isObject(one) || one.for_each === undefined || !isObject(one.content)) {
          this.report(site, at, "block-shape", "error", "a dynamic block needs for_each and a content object");
          return;
        }
        this.checkBlock(one.content, nested.block, site, [...at, "content"]);
      });
    }
  }

  // ---- references -----------------------------------------------------------------------------

  /**
   * Walks every string under `value` and checks the references in it. Dynamic-block content
   * sees its iterator; provisioner and connection blocks may use `self`.
   */
  private checkReferencesIn(value: unknown, site: Site, path: Path, scope: ReferenceScope, skipKeys: ReadonlySet<string> = new Set(["//"])): void {
    if (typeof value === "string") {
      if (!isTemplate(value)) return;
      for (const ref of referencesInTemplate(value)) {
        const problem = checkReference(ref, scope, this.decl);
        if (problem) this.report(site, path, "reference", "error", `${ref.text}: ${problem}`);
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.checkReferencesIn(item, site, [...path, i], scope));
      return;
    }
    if (!isObject(value)) return;
    for (const [key, item] of Object.entries(value)) {
      // ignore_changes names attributes of the resource itself, not references.
      if (skipKeys.has(key) || key === "ignore_changes") continue;
      let inner = scope;
      if (key === "provisioner" || key === "connection") inner = { ...scope, selfAllowed: true };
      if (key === "dynamic" && isObject(item)) {
        for (const [blockName, spec] of Object.entries(item)) {
          for (const [i, one] of (Array.isArray(spec) ? spec : [spec]).entries()) {
            const at = Array.isArray(spec) ? [...path, key, blockName, i] : [...path, key, blockName];
            const iterator = isObject(one) && typeof one.iterator === "string" ? one.iterator : blockName;
            if (!isObject(one)) continue;
            this.checkReferencesIn(one.for_each, site, [...at, "for_each"], scope);
            this.checkReferencesIn(one.content, site, [...at, "content"], { ...scope, iterators: new Set([...scope.iterators, iterator]) });
          }
        }
        continue;
      }
      this.checkReferencesIn(item, site, [...path, key], inner);
    }
  }
}
