import { Construct, Testing, type IConstruct, type TerraformStack } from "../../src/cdktf";

/** A synthesized stack as Terraform JSON. */
export interface SynthesizedStack {
  readonly text: string;
  readonly json: {
    readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
    readonly data?: Record<string, Record<string, Record<string, unknown>>>;
    readonly variable?: Record<string, Record<string, unknown>>;
    readonly output?: Record<string, Record<string, unknown>>;
    readonly provider?: Record<string, Record<string, unknown>[]>;
    readonly locals?: Record<string, unknown>;
  };
}

/** Synthesizes with validations on, as `cdktf synth` does. */
export function synth(stack: TerraformStack): SynthesizedStack {
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text) };
}

/** Resources of one type as [logical name, config] pairs. */
export function resourcesOf(stack: SynthesizedStack, type: string): [string, Record<string, unknown>][] {
  return Object.entries(stack.json.resource?.[type] ?? {});
}

export function onlyResource(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const all = resourcesOf(stack, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]![1];
}

/** Logical name of the only resource of a type that passes `filter`. */
export function onlyKey(stack: SynthesizedStack, type: string, filter: (config: Record<string, unknown>) => boolean = () => true): string {
  const keys = resourcesOf(stack, type).filter(([, c]) => filter(c)).map(([k]) => k);
  if (keys.length !== 1) throw new Error(`expected one matching ${type}, found ${keys.length}`);
  return keys[0]!;
}

/** `${openstack_x.name.id}` → `name`. */
export function referencedName(expression: unknown, type: string): string | undefined {
  const match = new RegExp(`^\\$\\{(?:data\\.)?${type}\\.([^.]+)\\.[a-z_]+\\}$`).exec(String(expression));
  return match?.[1];
}

/** Drops cdktf's `//` metadata so configs can be compared. */
export function withoutMetadata(config: Record<string, unknown>): Record<string, unknown> {
  const { ["//"]: _meta, ...rest } = config;
  void _meta;
  return rest;
}

/**
 * Runs `build` and returns every problem the constructs of its app recorded, one
 * `PATH: message` line each, as `synthesizeApp` reports them. `build` returns a construct of the
 * app (or something holding one as `resource`).
 */
export function problemsAfter(build: () => unknown): string {
  const made = build();
  const construct = Construct.isConstruct(made) ? made : (made as { resource: IConstruct }).resource;
  return construct.node.root.node
    .findAll()
    .flatMap((c) => c.node.validate().map((message) => `${c.node.path}: ${message}`))
    .join("\n");
}
