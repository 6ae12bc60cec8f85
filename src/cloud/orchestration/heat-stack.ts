import { stringify } from "yaml";
import { Construct, Token } from "../../cdktf";
import { OrchestrationStackV1 } from "../provider";
import { validateAtSynth } from "../validation";
import { renderHot, validateHot, type HotTemplate } from "./hot";

export type HotParameterValue = string | number | boolean | readonly string[];

export interface HeatStackProps {
  /** Stack name in Heat: starts with a letter; letters, digits, `_`, `-`, `.`. */
  readonly name: string;
  readonly template: HotTemplate;
  /**
   * Values for the template's parameters; ones without a default are required. A `hidden`
   * parameter (a secret) takes a reference, such as a sensitive TerraformVariable's value: a
   * literal here, in the environment or as its default would sit in cdk.tf.json and fails synth.
   * @default {}
   */
  readonly parameters?: Readonly<Record<string, HotParameterValue>>;
  /** Heat environment (resource_registry, parameter_defaults …), rendered as YAML. @default none */
  readonly environment?: Readonly<Record<string, unknown>>;
  /** Minutes Heat waits for create/update. @default Heat's default (60) */
  readonly timeoutMinutes?: number;
  /** Keep what was made when create fails, to debug it. @default Heat's own: roll back (delete) on failure */
  readonly disableRollback?: boolean;
}

/**
 * A Heat stack from a HOT template written as a typed object. The template is checked when the
 * stack is synthesized (version, references, parameters), so a dangling `get_resource` fails
 * `cdktf synth` with the construct path and the template path instead of failing in Heat.
 */
export class HeatStack extends Construct {
  readonly resource: OrchestrationStackV1;
  /** The YAML handed to Heat. */
  readonly templateYaml: string;

  constructor(scope: Construct, id: string, props: HeatStackProps) {
    super(scope, id);
    const template = props.template;
    validateAtSynth(this, () => {
      const problems = validateHot(template).map((issue) => `HOT template: ${issue.path}: ${issue.message}`);
      const declared = template.parameters ?? {};
      const given = props.parameters ?? {};
      for (const name of Object.keys(given)) {
        if (!(name in declared)) {
          problems.push(`parameter ${name} is passed but the template declares no such parameter (declared: ${Object.keys(declared).join(", ") || "none"})`);
        }
      }
      for (const [name, parameter] of Object.entries(declared)) {
        if (parameter.default === undefined && !(name in given)) {
          problems.push(`template parameter ${name} has no default and no value is passed`);
        }
        // A hidden parameter holds a secret; every literal that can set it is written into cdk.tf.json.
        if (parameter.hidden !== true) continue;
        const environment = (key: string) => (props.environment?.[key] as Readonly<Record<string, unknown>> | undefined)?.[name];
        for (const [where, value] of [
          ["its value", given[name]],
          ["environment.parameters", environment("parameters")],
          ["environment.parameter_defaults", environment("parameter_defaults")],
          ["its default", parameter.default],
        ] as const) {
          if (value !== undefined && value !== null && !Token.isUnresolved(value)) {
            problems.push(`template parameter ${name} is hidden but ${where} is a literal that cdk.tf.json would hold; pass a sensitive TerraformVariable's value instead`);
          }
        }
      }
      if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(props.name)) {
        problems.push(`stack name ${JSON.stringify(props.name)} must start with a letter and hold only letters, digits, _ - .`);
      }
      return problems;
    });
    this.templateYaml = renderHot(template);
    const environment = props.environment ?? {};
    const hasHidden = Object.values(template.parameters ?? {}).some((parameter) => parameter.hidden === true);
    this.resource = new OrchestrationStackV1(this, "stack", {
      name: props.name,
      // Provider 3.4.0 reads only the keys Bin (the document), URL and Files of these maps (see
      // buildTE in its orchestration_stack_v1.go); any other key is dropped without a word and Heat
      // gets no template. It always sends an environment, so one is always given, `{}` when empty.
      templateOpts: { Bin: this.templateYaml },
      environmentOpts: { Bin: Object.keys(environment).length > 0 ? stringify(environment, { lineWidth: 0 }) : "{}\n" },
      parameters: toHeatParameters(withDefaults(template, props.parameters ?? {}, environment)),
      timeout: props.timeoutMinutes,
      disableRollback: props.disableRollback,
      // Heat reads every parameter back with hidden ones as "******", so the provider would see a
      // change on every plan; with a hidden parameter, a new value needs a replace (`cdktf deploy`
      // after `-replace`) rather than an in-place update.
      ...(hasHidden ? { lifecycle: { ignoreChanges: ["parameters"] } } : {}),
    });
  }
}

/**
 * The parameters with every template default filled in: Heat reports all of a stack's parameters
 * (the provider stores what it reads back), so one left to its default would show up as a change
 * in every later plan. A parameter the environment sets keeps that value.
 */
function withDefaults(
  template: HotTemplate,
  given: Readonly<Record<string, HotParameterValue>>,
  environment: Readonly<Record<string, unknown>>,
): Record<string, HotParameterValue> {
  const fromEnvironment = new Set(
    ["parameters", "parameter_defaults"].flatMap((section) => Object.keys((environment[section] as Record<string, unknown> | undefined) ?? {})),
  );
  const out: Record<string, HotParameterValue> = {};
  for (const [name, parameter] of Object.entries(template.parameters ?? {})) {
    if (name in given) continue;
    if (fromEnvironment.has(name) || parameter.default === undefined || parameter.default === null) continue;
    const value = parameter.default;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) out[name] = value as readonly string[];
  }
  return { ...out, ...given };
}

/** The provider passes parameters as a map of strings; lists go comma-joined as Heat parses them. */
function toHeatParameters(parameters: Readonly<Record<string, HotParameterValue>>): Record<string, string> | undefined {
  if (Object.keys(parameters).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(parameters).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v)]),
  );
}
