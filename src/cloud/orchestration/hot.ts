import { stringify } from "yaml";

/**
 * HOT (Heat Orchestration Template) written as a TypeScript object, checked before it reaches
 * Heat. The shape follows the HOT specification; intrinsic functions are plain objects
 * (`{ get_param: "image" }`), with helpers below for the common ones.
 */

/** Every heat_template_version Heat accepts, by date and by release alias. */
export const HOT_VERSIONS = [
  "2013-05-23",
  "2014-10-16",
  "2015-04-30",
  "2015-10-15",
  "2016-04-08",
  "2016-10-14",
  "newton",
  "2017-02-24",
  "ocata",
  "2017-09-01",
  "pike",
  "2018-03-02",
  "queens",
  "2018-08-31",
  "rocky",
  "2021-04-16",
  "wallaby",
] as const;
export type HotVersion = (typeof HOT_VERSIONS)[number];

/** Heat's pseudo parameters, always available to get_param. */
export const HOT_PSEUDO_PARAMETERS = ["OS::stack_name", "OS::stack_id", "OS::project_id"] as const;

export type HotParameterType = "string" | "number" | "json" | "comma_delimited_list" | "boolean";

/** Any value in a template: scalars, lists, maps and intrinsic function calls. */
export type HotValue = string | number | boolean | null | readonly HotValue[] | { readonly [key: string]: HotValue };

export interface HotParameter {
  readonly type: HotParameterType;
  readonly label?: string;
  readonly description?: string;
  readonly default?: HotValue;
  readonly hidden?: boolean;
  readonly immutable?: boolean;
  readonly constraints?: readonly { readonly [constraint: string]: HotValue }[];
}

export interface HotResource {
  /** e.g. `OS::Nova::Server`, `OS::Neutron::Port`. */
  readonly type: string;
  readonly properties?: { readonly [name: string]: HotValue };
  readonly depends_on?: string | readonly string[];
  readonly metadata?: { readonly [key: string]: HotValue };
  readonly deletion_policy?: "Delete" | "Retain" | "Snapshot";
  readonly update_policy?: { readonly [key: string]: HotValue };
  readonly condition?: HotValue;
}

export interface HotOutput {
  readonly value: HotValue;
  readonly description?: string;
  readonly condition?: HotValue;
}

export interface HotTemplate {
  readonly heat_template_version: HotVersion;
  readonly description?: string;
  readonly parameter_groups?: readonly { readonly label?: string; readonly description?: string; readonly parameters: readonly string[] }[];
  readonly parameters?: { readonly [name: string]: HotParameter };
  readonly resources: { readonly [name: string]: HotResource };
  readonly outputs?: { readonly [name: string]: HotOutput };
  readonly conditions?: { readonly [name: string]: HotValue };
}

/** `{ get_param: name }`, or a path into a json/list parameter. */
export function getParam(name: string, ...path: (string | number)[]): HotValue {
  return path.length === 0 ? { get_param: name } : { get_param: [name, ...path] };
}

export function getResource(name: string): HotValue {
  return { get_resource: name };
}

export function getAttr(resource: string, attribute: string, ...path: (string | number)[]): HotValue {
  return { get_attr: [resource, attribute, ...path] };
}

/** One reason a template would fail in Heat, with where it is (`resources.web.properties.image`). */
export interface HotIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks what Heat would reject at stack create: an unknown version, resources without a
 * type, and every get_param / get_resource / get_attr / depends_on pointing at something the
 * template declares.
 */
export function validateHot(template: HotTemplate): HotIssue[] {
  const issues: HotIssue[] = [];
  const version = (template as { heat_template_version?: unknown }).heat_template_version;
  if (typeof version !== "string" || !(HOT_VERSIONS as readonly string[]).includes(version)) {
    issues.push({
      path: "heat_template_version",
      message: `unknown version ${JSON.stringify(version)}; expected one of ${HOT_VERSIONS.join(", ")}`,
    });
  }
  const parameters = new Set(Object.keys(template.parameters ?? {}));
  const resources = new Set(Object.keys(template.resources ?? {}));
  if (resources.size === 0) issues.push({ path: "resources", message: "the template declares no resources" });

  for (const [name, parameter] of Object.entries(template.parameters ?? {})) {
    if (!["string", "number", "json", "comma_delimited_list", "boolean"].includes(parameter.type)) {
      issues.push({ path: `parameters.${name}.type`, message: `unknown parameter type ${JSON.stringify(parameter.type)}` });
    }
  }

  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (value === null || typeof value !== "object") return;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0] as [string, unknown];
      const here = `${path}.${fn}`;
      if (fn === "get_param") {
        const target = Array.isArray(arg) ? arg[0] : arg;
        if (typeof target !== "string") {
          issues.push({ path: here, message: "get_param needs a parameter name" });
        } else if (!parameters.has(target) && !(HOT_PSEUDO_PARAMETERS as readonly string[]).includes(target)) {
          issues.push({ path: here, message: `get_param refers to undeclared parameter ${target}${declared("parameters", parameters)}` });
        }
      } else if (fn === "get_resource") {
        if (typeof arg !== "string" || !resources.has(arg)) {
          issues.push({ path: here, message: `get_resource refers to undeclared resource ${String(arg)}${declared("resources", resources)}` });
        }
      } else if (fn === "get_attr") {
        const target = Array.isArray(arg) ? arg[0] : undefined;
        if (!Array.isArray(arg) || arg.length < 2) {
          issues.push({ path: here, message: "get_attr needs [resource, attribute, …]" });
        } else if (typeof target !== "string" || !resources.has(target)) {
          issues.push({ path: here, message: `get_attr refers to undeclared resource ${String(target)}${declared("resources", resources)}` });
        }
      }
    }
    for (const [key, child] of entries) walk(child, `${path}.${key}`);
  };

  for (const [name, resource] of Object.entries(template.resources ?? {})) {
    const path = `resources.${name}`;
    if (typeof resource.type !== "string" || resource.type === "") {
      issues.push({ path: `${path}.type`, message: "resource has no type" });
    }
    const deps = resource.depends_on === undefined ? [] : typeof resource.depends_on === "string" ? [resource.depends_on] : resource.depends_on;
    for (const dep of deps) {
      if (!resources.has(dep)) issues.push({ path: `${path}.depends_on`, message: `depends_on refers to undeclared resource ${dep}` });
      if (dep === name) issues.push({ path: `${path}.depends_on`, message: "a resource cannot depend on itself" });
    }
    walk(resource.properties, `${path}.properties`);
    walk(resource.metadata, `${path}.metadata`);
  }
  for (const [name, output] of Object.entries(template.outputs ?? {})) {
    walk(output.value, `outputs.${name}.value`);
  }
  return issues;
}

function declared(kind: string, names: ReadonlySet<string>): string {
  return names.size === 0 ? ` (the template declares no ${kind})` : ` (declared: ${[...names].join(", ")})`;
}

/**
 * The template as YAML. Dates like `2018-08-31` stay strings (YAML 1.2 core schema has no
 * timestamps), which is what Heat expects.
 */
export function renderHot(template: HotTemplate): string {
  return stringify(template, { lineWidth: 0 });
}
