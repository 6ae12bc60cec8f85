import { Token, type Construct, type IConstruct } from "../cdktf";
import { RdoctlError } from "../errors";

/**
 * Problems found while building a construct, collected rather than thrown (aws-cdk style): a
 * construct records what is wrong with its props and goes on with a neutral value, so one synth
 * reports every mistake of the app at once, each with its construct path. They are node
 * validations, so `cdktf synth` (and `Testing.synth(stack, true)`) refuses to write the stack.
 */
const problemsByConstruct = new WeakMap<IConstruct, string[]>();

/** Records a problem of `scope`'s props; see {@link synthesizeApp} for how it is reported. */
export function addProblem(scope: IConstruct, message: string): void {
  let problems = problemsByConstruct.get(scope);
  if (!problems) {
    const list: string[] = [];
    problemsByConstruct.set(scope, list);
    scope.node.addValidation({ validate: () => [...list] });
    problems = list;
  }
  problems.push(message);
}

/** The problems recorded on `scope` itself (not its children). */
export function problemsOf(scope: IConstruct): readonly string[] {
  return problemsByConstruct.get(scope) ?? [];
}

/**
 * An error for a construct whose caller cannot go on (a method asked for something that does
 * not exist): thrown, one line naming the construct path.
 */
export function invalidProps(scope: Construct, message: string): RdoctlError {
  return new RdoctlError(`${scope.node.path}: ${message}`);
}

/**
 * Synth-time checks for rules that depend on other constructs (added later, or passed in as
 * a topology). cdktf runs them before writing cdk.tf.json and prefixes each message with the
 * construct path.
 */
export function validateAtSynth(scope: Construct, check: () => readonly string[]): void {
  scope.node.addValidation({ validate: () => [...check()] });
}

/** Terraform-safe identifier fragment from a user-facing name (`web-1.lab` → `web_1_lab`). */
export function identifierFrom(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/**
 * A resource's name for construct ids and messages: its name when the app knows it, else (an
 * imported resource, whose name is read at plan time) its construct id or path.
 */
export function readableName(resource: { readonly name: string; readonly node: { readonly id: string; readonly path: string } }, use: "id" | "message" = "message"): string {
  if (!Token.isUnresolved(resource.name)) return resource.name;
  return use === "id" ? resource.node.id : resource.node.path;
}
