import { App } from "../cdktf";
import { RdoctlError } from "../errors";
import { OpenStackCloud } from "./cloud";

/**
 * Builds an app's stacks and synthesizes them, or returns what is wrong, one line each: an
 * {@link RdoctlError} thrown while building (an invalid inventory, say), else every problem the
 * constructs recorded and every synth-time validation that fails, as `CONSTRUCT-PATH: message`.
 * Nothing is thrown for a user mistake; an unexpected error (a bug) still is.
 *
 * ```ts
 * const problems = synthesizeApp(new App(), (app) => new MyStack(app, "my-stack"));
 * ```
 */
export function synthesizeApp(app: App, build: (app: App) => void = () => undefined): string[] {
  try {
    build(app);
  } catch (err) {
    if (isUserError(err)) return err.message.split("\n");
    throw err;
  }
  try {
    app.synth();
  } catch (err) {
    // cdktf throws the failed validations of the first failing stack as one Error; ask every
    // construct of the app again, on this failure path only (some validations run
    // `terraform version`), to report all of them, each with its path.
    const failed = app.node.findAll().flatMap((c) => c.node.validate().map((message) => `${c.node.path}: ${message}`));
    if (failed.length > 0) return failed;
    if (isUserError(err)) return err.message.split("\n");
    throw err;
  }
  return [];
}

/**
 * The whole `main.ts` of a cdktf app: builds and synthesizes it, prints each problem as one
 * `rdoctl: …` line on stderr and sets exit status 1 when there is any; on success, one line
 * per stack on stdout saying which clouds.yaml and entry it uses. What `cdktf synth`
 * shows then is the list of mistakes, not a stack trace.
 *
 * ```ts
 * runApp((app) => { new MyStack(app, "my-stack"); });
 * ```
 */
export function runApp(build: (app: App) => void, app: App = new App()): readonly string[] {
  let problems: string[];
  try {
    problems = synthesizeApp(app, build);
  } catch (err) {
    // Not a problem a construct recorded: a construct id used twice, a mistake cdktf itself
    // throws for, or a bug. One line still; the trace only when asked for.
    const message = err instanceof Error ? err.message.split("\n", 1)[0] : String(err);
    problems = [`${message} (RDOCTL_DEBUG=1 shows where)`];
    if (process.env.RDOCTL_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
  for (const problem of problems) process.stderr.write(`rdoctl: ${problem}\n`);
  if (problems.length > 0) {
    process.exitCode = 1;
    return problems;
  }
  // stdout: cdktf synth shows the app's stderr as [ERROR], and this line is not one.
  for (const cloud of OpenStackCloud.all(app)) process.stdout.write(`rdoctl: ${cloud.credentialsSource}\n`);
  return problems;
}

/** An RdoctlError, also one from another copy of rdoctl (a project that loads two). */
function isUserError(err: unknown): err is Error {
  return err instanceof RdoctlError || (err instanceof Error && (err.name === "RdoctlError" || err.name === "InventoryError"));
}
