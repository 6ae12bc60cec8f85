// Maps evaluated terraform-plugin-sdk/v2 schema values to the JSON that
// `terraform providers schema -json` prints, following the SDK's CoreConfigSchema rules
// (helper/schema/core_schema.go): attributes vs nested blocks, Optional+Computed,
// Required blocks as min_items 1, computed-only nested resources as object attributes,
// the implicit `id` attribute and the `timeouts` block.

import { describe, isMap, isStruct } from "./go-eval.mjs";

const PRIMITIVES = { "schema.TypeString": "string", "schema.TypeBool": "bool", "schema.TypeInt": "number", "schema.TypeFloat": "number" };
const COLLECTIONS = { "schema.TypeList": "list", "schema.TypeSet": "set", "schema.TypeMap": "map" };

export class SdkSchemaMapper {
  /** `report(kind, detail, where)` receives everything that could not be resolved. */
  constructor(report) {
    this.report = report;
    /** "type.path" → "file.go:line" of the Go literal each attribute/block came from. */
    this.locations = new Map();
  }

  field(s, name) {
    return s.fields.has(name) ? s.fields.get(name) : null;
  }

  flag(s, name, where) {
    const v = this.field(s, name);
    if (v === null || typeof v === "boolean") return v === true;
    this.report("unresolved-field", `${name} is ${describe(v)}`, where);
    return false;
  }

  int(s, name, where) {
    const v = this.field(s, name);
    if (v === null) return 0;
    if (typeof v === "number") return v;
    this.report("unresolved-field", `${name} is ${describe(v)}`, where);
    return 0;
  }

  string(s, name, where) {
    const v = this.field(s, name);
    if (v === null) return "";
    if (typeof v === "string") return v;
    this.report("unresolved-field", `${name} is ${describe(v)}`, where);
    return "";
  }

  valueType(s, where) {
    const t = this.field(s, "Type");
    if (t && t.kind === "ext" && (t.name in PRIMITIVES || t.name in COLLECTIONS)) return t.name;
    this.report("unresolved-type", `Type is ${describe(t)}`, where);
    return "schema.TypeString";
  }

  /** cty type of a schema (coreConfigSchemaType). */
  attributeType(s, where) {
    const t = this.valueType(s, where);
    if (t in PRIMITIVES) return PRIMITIVES[t];
    const elem = this.field(s, "Elem");
    let elemType;
    if (elem === null) elemType = "string";
    else if (isStruct(elem, "schema.Schema")) elemType = this.attributeType(elem, `${where}.Elem`);
    else if (elem && elem.kind === "ext" && elem.name in PRIMITIVES) elemType = PRIMITIVES[elem.name];
    else if (elem && elem.kind === "ext" && elem.name in COLLECTIONS) elemType = [COLLECTIONS[elem.name], "string"];
    else if (isStruct(elem, "schema.Resource")) elemType = impliedType(this.block(this.schemaMapOf(elem, where), where));
    else {
      this.report("unresolved-elem", `Elem is ${describe(elem)}`, where);
      elemType = "string";
    }
    return [COLLECTIONS[t], elemType];
  }

  schemaMapOf(resource, where) {
    const m = this.field(resource, "Schema");
    if (m === null) return new Map();
    if (isMap(m)) return m.entries;
    this.report("unresolved-schema-map", `Schema is ${describe(m)}`, where);
    return new Map();
  }

  attribute(s, where) {
    let required = this.flag(s, "Required", where);
    let optional = this.flag(s, "Optional", where);
    // The SDK drops Required when a DefaultFunc yields a value; an EnvDefaultFunc with a
    // nil default only does so when the variable is set, which a schema refresh in a
    // clean environment does not see.
    const defaultFunc = this.field(s, "DefaultFunc");
    if (required && defaultFunc !== null) {
      const envWithNil = defaultFunc.kind === "extcall" && defaultFunc.name === "schema.EnvDefaultFunc" && defaultFunc.args[1] === null;
      if (!envWithNil) {
        required = false;
        optional = true;
        this.report("required-with-default", "Required with a DefaultFunc that yields a value: exported as optional", where);
      }
    }
    const out = { type: this.attributeType(s, where) };
    const description = this.string(s, "Description", where);
    if (description) out.description = description;
    out.description_kind = "plain";
    if (required) out.required = true;
    if (optional) out.optional = true;
    if (this.flag(s, "Computed", where)) out.computed = true;
    if (this.flag(s, "Sensitive", where)) out.sensitive = true;
    if (this.string(s, "Deprecated", where)) out.deprecated = true;
    return out;
  }

  nestedBlock(s, where) {
    const elem = this.field(s, "Elem");
    const t = this.valueType(s, where);
    const nesting = { "schema.TypeList": "list", "schema.TypeSet": "set", "schema.TypeMap": "map" }[t];
    if (!nesting) this.report("invalid-block-type", `${t} with a Resource Elem`, where);
    const block = this.block(this.schemaMapOf(elem, where), where);
    const description = this.string(s, "Description", where);
    if (description) block.description = description;
    if (this.string(s, "Deprecated", where)) block.deprecated = true;
    const required = this.flag(s, "Required", where);
    const optional = this.flag(s, "Optional", where);
    const computed = this.flag(s, "Computed", where);
    let minItems = this.int(s, "MinItems", where);
    let maxItems = this.int(s, "MaxItems", where);
    if (required && minItems === 0) minItems = 1;
    if (optional && minItems > 0) minItems = 0;
    if (computed && !optional) { minItems = 0; maxItems = 0; }
    const out = { nesting_mode: nesting ?? "list", block: orderBlock(block) };
    if (minItems) out.min_items = minItems;
    if (maxItems) out.max_items = maxItems;
    return out;
  }

  /** schemaMap.CoreConfigSchema: `entries` is a Map name → schema.Schema struct. */
  block(entries, where) {
    const attributes = {};
    const blockTypes = {};
    for (const name of [...entries.keys()].sort()) {
      const s = entries.get(name);
      const at = `${where}.${name}`;
      if (!isStruct(s, "schema.Schema")) {
        this.report("unresolved-schema", `value is ${describe(s)}`, at);
        continue;
      }
      if (s.at) this.locations.set(at, s.at);
      const elem = this.field(s, "Elem");
      const type = this.valueType(s, at);
      const isResourceElem = isStruct(elem, "schema.Resource");
      if (!isResourceElem && elem !== null && !isStruct(elem, "schema.Schema") && !(elem.kind === "ext")) {
        this.report("unresolved-elem", `Elem is ${describe(elem)}`, at);
      }
      if (type === "schema.TypeMap" && isResourceElem) {
        // The SDK treats a Resource Elem of a TypeMap as a map of strings.
        const copy = { ...s, fields: new Map(s.fields) };
        copy.fields.set("Elem", null);
        attributes[name] = this.attribute(copy, at);
        continue;
      }
      const mode = this.field(s, "ConfigMode");
      const modeName = mode && mode.kind === "ext" ? mode.name : null;
      if (modeName === "schema.SchemaConfigModeAttr") attributes[name] = this.attribute(s, at);
      else if (modeName === "schema.SchemaConfigModeBlock") blockTypes[name] = this.nestedBlock(s, at);
      else if (this.flag(s, "Computed", at) && !this.flag(s, "Optional", at)) attributes[name] = this.attribute(s, at);
      else if (isResourceElem) blockTypes[name] = this.nestedBlock(s, at);
      else attributes[name] = this.attribute(s, at);
    }
    const out = {};
    if (Object.keys(attributes).length) out.attributes = attributes;
    if (Object.keys(blockTypes).length) out.block_types = blockTypes;
    out.description_kind = "plain";
    return out;
  }

  /** Resource.CoreConfigSchema: adds `id` and `timeouts` to the schema block. */
  resource(r, where) {
    if (!isStruct(r, "schema.Resource")) {
      this.report("unresolved-resource", `constructor returned ${describe(r)}`, where);
      return null;
    }
    const block = this.block(this.schemaMapOf(r, where), where);
    block.attributes ??= {};
    if (!block.attributes.id) block.attributes.id = { type: "string", description_kind: "plain", optional: true, computed: true };
    const timeouts = this.field(r, "Timeouts");
    if (timeouts !== null && !block.attributes.timeouts && !block.block_types?.timeouts) {
      if (!isStruct(timeouts)) this.report("unresolved-field", `Timeouts is ${describe(timeouts)}`, where);
      else {
        const attrs = {};
        for (const [field, key] of [["Create", "create"], ["Read", "read"], ["Update", "update"], ["Delete", "delete"], ["Default", "default"]]) {
          const v = timeouts.fields.get(field);
          if (v !== undefined && v !== null) attrs[key] = { type: "string", description_kind: "plain", optional: true };
        }
        block.block_types ??= {};
        block.block_types.timeouts = { nesting_mode: "single", block: { ...(Object.keys(attrs).length ? { attributes: sortKeys(attrs) } : {}), description_kind: "plain" } };
      }
    }
    block.attributes = sortKeys(block.attributes);
    if (block.block_types) block.block_types = sortKeys(block.block_types);
    const description = this.string(r, "Description", where);
    if (description) block.description = description;
    if (this.string(r, "DeprecationMessage", where)) block.deprecated = true;
    const version = this.field(r, "SchemaVersion");
    return { version: typeof version === "number" ? version : 0, block: orderBlock(block) };
  }
}

function sortKeys(o) {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** Key order as terraform prints it, so the file diffs cleanly against a real refresh. */
function orderBlock(b) {
  const out = {};
  for (const k of ["attributes", "block_types", "description", "description_kind", "deprecated"]) if (b[k] !== undefined) out[k] = b[k];
  return out;
}

/** cty type implied by a block (configschema.Block.ImpliedType). */
export function impliedType(block) {
  const attrs = {};
  for (const [n, a] of Object.entries(block.attributes ?? {})) attrs[n] = a.type;
  for (const [n, bt] of Object.entries(block.block_types ?? {})) {
    const obj = impliedType(bt.block);
    attrs[n] = bt.nesting_mode === "single" ? obj : [bt.nesting_mode, obj];
  }
  return ["object", sortKeys(attrs)];
}
