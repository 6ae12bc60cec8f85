import { suggest } from "./suggest";
import { describeCtyType, parseCtyType, type CtyType } from "./cty";
import type { StackDeclarations } from "./declarations";
import { formatSteps, type Reference, type TraversalStep } from "./expressions";
import type { SchemaBlock, SchemaNestedBlock } from "./schema";

/** What a reference may use where it appears. */
export interface ReferenceScope {
  /** The enclosing resource sets count: `count.index` is defined. */
  readonly countSet: boolean;
  /** The enclosing resource sets for_each: `each.key`/`each.value` are defined. */
  readonly forEachSet: boolean;
  /** Dynamic-block iterators in scope (`network.value`). */
  readonly iterators: ReadonlySet<string>;
  /** Inside provisioner/connection, where `self` is defined. */
  readonly selfAllowed?: boolean;
}

const PATH_ATTRS = new Set(["module", "root", "cwd"]);

/**
 * Why a reference points nowhere, or undefined when it resolves: the object it names is
 * declared in the stack, and each static attribute step exists in that type's schema.
 */
export function checkReference(ref: Reference, scope: ReferenceScope, decl: StackDeclarations): string | undefined {
  const first = ref.steps[0];
  const firstName = first?.kind === "attr" ? first.name : undefined;
  if (scope.iterators.has(ref.root)) return undefined;
  if (ref.steps.length === 0) {
    return `\${${ref.root}} is not something Terraform can resolve; for a literal "\${" (a shell variable in user data, say) write "$\${" (Fn.rawString in cdktf)`;
  }
  switch (ref.root) {
    case "var":
      if (firstName === undefined) return "expected var.NAME";
      return decl.variables.has(firstName) ? undefined : `no variable "${firstName}" in this stack${suggest(firstName, decl.variables)}`;
    case "local":
      if (firstName === undefined) return "expected local.NAME";
      return decl.locals.has(firstName) ? undefined : `no local value "${firstName}" in this stack${suggest(firstName, decl.locals)}`;
    case "module":
      if (firstName === undefined) return "expected module.NAME";
      return decl.modules.has(firstName) ? undefined : `no module "${firstName}" in this stack${suggest(firstName, decl.modules)}`;
    case "count":
      if (!scope.countSet) return "count.index is only defined in a resource or data source that sets count";
      return firstName === "index" ? undefined : `count has only "index"`;
    case "each":
      if (!scope.forEachSet) return "each is only defined in a resource or data source that sets for_each";
      return firstName === "key" || firstName === "value" ? undefined : `each has only "key" and "value"`;
    case "self":
      return scope.selfAllowed ? undefined : "self is only defined inside provisioner and connection blocks";
    case "path":
      return firstName !== undefined && PATH_ATTRS.has(firstName) ? undefined : `path has only module, root and cwd`;
    case "terraform":
      return undefined;
    case "data": {
      const second = ref.steps[1];
      if (firstName === undefined || second?.kind !== "attr") return "expected data.TYPE.NAME";
      return checkObjectReference("data", firstName, second.name, ref.steps.slice(2), decl);
    }
    default:
      if (firstName === undefined) return `expected ${ref.root}.NAME`;
      return checkObjectReference("resource", ref.root, firstName, ref.steps.slice(1), decl);
  }
}

function checkObjectReference(kind: "resource" | "data", type: string, name: string, rest: readonly TraversalStep[], decl: StackDeclarations): string | undefined {
  const missing = decl.missingTarget(kind, type, name);
  if (missing) return missing;
  const declared = decl.lookup(kind, type, name)!;
  const body = declared.body as Record<string, unknown>;
  let steps = rest;
  if (body.count !== undefined && body.count !== null) {
    const head = steps[0];
    if (head?.kind === "attr") return `${declared.address} sets count; name an instance: ${declared.address}[count.index].${head.name} or ${declared.address}[*].${head.name}`;
    if (head?.kind === "index" && typeof head.key === "string") return `${declared.address} sets count; its instances are numbered, not keyed by "${head.key}"`;
    steps = steps.slice(1);
  } else if (body.for_each !== undefined && body.for_each !== null) {
    steps = steps.slice(1); // the first step picks an instance by key, whatever its spelling
  } else if (steps[0]?.kind === "index") {
    return `${declared.address} sets neither count nor for_each; it has no instances to index`;
  } else if (steps[0]?.kind === "splat") {
    steps = steps.slice(1);
  }
  const resolution = decl.resolveType(declared);
  if (resolution.kind !== "known" || steps.length === 0) return undefined;
  return walkBlock(resolution.block, steps, declared.address);
}

/** Follows attribute steps through a schema block; the first step that does not exist is the problem. */
function walkBlock(block: SchemaBlock, steps: readonly TraversalStep[], walked: string): string | undefined {
  const step = steps[0];
  if (!step) return undefined;
  if (step.kind !== "attr") return `${walked} is one object; it cannot be indexed`;
  const here = `${walked}.${step.name}`;
  const attr = block.attributes?.[step.name];
  if (attr) {
    if (attr.nested_type) return undefined;
    return walkType(parseCtyType(attr.type), steps.slice(1), here);
  }
  const nested = block.block_types?.[step.name];
  if (nested) return walkNested(nested, steps.slice(1), here);
  const names = [...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})];
  return `"${step.name}" is not an attribute of ${walked}${suggest(step.name, names)}`;
}

function walkNested(nested: SchemaNestedBlock, steps: readonly TraversalStep[], walked: string): string | undefined {
  const step = steps[0];
  if (!step) return undefined;
  switch (nested.nesting_mode) {
    case "single":
    case "group":
      return walkBlock(nested.block, steps, walked);
    case "list":
      if (step.kind === "attr") return `${walked} is a list of blocks; index it first: ${walked}[0].${step.name}`;
      if (step.kind === "index" && typeof step.key === "string") return `${walked} is a list of blocks; index it with a number`;
      return walkBlock(nested.block, steps.slice(1), `${walked}${formatSteps([step])}`);
    case "set":
      if (step.kind === "index") return `${walked} is a set of blocks and cannot be indexed; use ${walked}[*] or tolist(${walked})[0]`;
      if (step.kind === "attr") return `${walked} is a set of blocks; use ${walked}[*].${step.name}`;
      return walkBlock(nested.block, steps.slice(1), `${walked}[*]`);
    case "map":
      return walkBlock(nested.block, steps.slice(1), `${walked}${formatSteps([step])}`);
  }
}

function walkType(type: CtyType, steps: readonly TraversalStep[], walked: string): string | undefined {
  const step = steps[0];
  if (!step) return undefined;
  const next = `${walked}${step.kind === "attr" ? `.${step.name}` : formatSteps([step])}`;
  switch (type.kind) {
    case "dynamic":
      return undefined;
    case "list":
      if (step.kind === "attr") return `${walked} is a ${describeCtyType(type)}; index it first`;
      if (step.kind === "index" && typeof step.key === "string") return `${walked} is a ${describeCtyType(type)}; index it with a number`;
      return walkType(type.element, steps.slice(1), next);
    case "set":
      if (step.kind === "index") return `${walked} is a ${describeCtyType(type)} and cannot be indexed; use tolist(${walked})`;
      if (step.kind === "attr") return `${walked} is a ${describeCtyType(type)}; it has no attribute "${step.name}"`;
      return walkType(type.element, steps.slice(1), next);
    case "map":
      if (step.kind === "index" && typeof step.key === "number") return `${walked} is a ${describeCtyType(type)}; index it with a key string`;
      return walkType(type.element, steps.slice(1), next);
    case "object": {
      const name = step.kind === "attr" ? step.name : step.kind === "index" && typeof step.key === "string" ? step.key : undefined;
      if (name === undefined) return step.kind === "index" && step.key === undefined ? undefined : `${walked} is an object; it cannot be indexed by number`;
      const attrType = type.attributes[name];
      if (!attrType) return `"${name}" is not an attribute of ${walked}${suggest(name, Object.keys(type.attributes))}`;
      return walkType(attrType, steps.slice(1), next);
    }
    case "tuple":
      if (step.kind === "index" && typeof step.key === "number") {
        const element = type.elements[step.key];
        return element ? walkType(element, steps.slice(1), next) : `${walked} has only ${type.elements.length} elements`;
      }
      return step.kind === "attr" ? `${walked} is a tuple; index it with a number` : undefined;
    default:
      return `${walked} is a ${type.kind}; it has no ${step.kind === "attr" ? `attribute "${step.name}"` : "elements"}`;
  }
}

/** True when a block, or any block nested in it, has a sensitive attribute. */
function blockHasSensitive(block: SchemaBlock): boolean {
  if (Object.values(block.attributes ?? {}).some((a) => a.sensitive)) return true;
  return Object.values(block.block_types ?? {}).some((b) => blockHasSensitive(b.block));
}

/**
 * True when the value a reference reads is, or contains, something the schema or the stack
 * marks sensitive (a sensitive variable, a sensitive provider attribute, or a whole object
 * holding one). Terraform refuses to plan an output carrying such a value unless the output is
 * marked sensitive too.
 */
export function isSensitiveReference(ref: Reference, decl: StackDeclarations): boolean {
  if (ref.root === "var") {
    const first = ref.steps[0];
    return first?.kind === "attr" && decl.sensitiveVariables.has(first.name);
  }
  let kind: "resource" | "data" = "resource";
  let steps = ref.steps;
  let type = ref.root;
  if (ref.root === "data") {
    const first = steps[0];
    if (first?.kind !== "attr") return false;
    kind = "data";
    type = first.name;
    steps = steps.slice(1);
  } else if (["local", "module", "count", "each", "self", "path", "terraform"].includes(ref.root)) {
    return false;
  }
  const nameStep = steps[0];
  if (nameStep?.kind !== "attr") return false;
  const declared = decl.lookup(kind, type, nameStep.name);
  if (!declared) return false;
  const resolution = decl.resolveType(declared);
  if (resolution.kind !== "known") return false;
  let block = resolution.block;
  for (const step of steps.slice(1)) {
    if (step.kind !== "attr") continue; // instance keys, list indexes and splats keep the same schema
    const attr = block.attributes?.[step.name];
    if (attr) return attr.sensitive === true;
    const nested = block.block_types?.[step.name];
    if (!nested) return false;
    block = nested.block;
  }
  return blockHasSensitive(block);
}
